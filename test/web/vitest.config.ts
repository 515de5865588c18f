import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'web',
    include: ['test/web/**/*.test.ts'],
    root: new URL('../..', import.meta.url).pathname,
    globalSetup: ['test/web/global-setup.ts'],
    // One browser suite at a time: they share the servers, and one restarts the realtime host.
    fileParallelism: false,
    testTimeout: 45_000,
    hookTimeout: 120_000,
  },
});
