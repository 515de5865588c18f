import { defineProject } from 'vitest/config';

// Every test file starts its own server on a free port over a temporary database file,
// so this project needs no global setup.
export default defineProject({
  test: {
    name: 'hrana',
    include: ['test/hrana/**/*.test.ts'],
    root: new URL('../..', import.meta.url).pathname,
    testTimeout: 20_000,
  },
});
