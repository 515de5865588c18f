import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'core',
    include: ['test/core/**/*.test.ts'],
    root: new URL('../..', import.meta.url).pathname,
    testTimeout: 20_000,
  },
});
