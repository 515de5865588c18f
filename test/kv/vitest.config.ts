import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'kv',
    include: ['test/kv/**/*.test.ts'],
    root: new URL('../..', import.meta.url).pathname,
    globalSetup: ['test/kv/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
