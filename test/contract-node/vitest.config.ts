import { defineProject } from 'vitest/config';

// The HTTP-only contract suite (test/contract) against the API running on Node, plus the tests
// of that runtime's own entry (test/contract-node).
export default defineProject({
  test: {
    name: 'contract-node',
    include: ['test/contract/**/*.test.ts', 'test/contract-node/**/*.test.ts'],
    root: new URL('../..', import.meta.url).pathname,
    globalSetup: ['test/contract-node/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
