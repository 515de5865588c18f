import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'realtime',
    include: ['test/realtime/**/*.test.ts'],
    root: new URL('../..', import.meta.url).pathname,
    globalSetup: ['test/realtime/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
