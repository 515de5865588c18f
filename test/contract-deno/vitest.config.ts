import { defineProject } from 'vitest/config';

// The HTTP-only contract suite (test/contract) against the API running on Deno, plus the tests
// of that runtime's own entry (test/contract-deno).
export default defineProject({
  test: {
    name: 'contract-deno',
    include: ['test/contract/**/*.test.ts', 'test/contract-deno/**/*.test.ts'],
    root: new URL('../..', import.meta.url).pathname,
    globalSetup: ['test/contract-deno/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
