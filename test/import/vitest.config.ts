import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'import',
    include: ['test/import/**/*.test.ts'],
    root: new URL('../..', import.meta.url).pathname,
    testTimeout: 60_000,
  },
});
