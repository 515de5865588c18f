import { defineProject } from 'vitest/config';

// The HTTP-only contract suite (test/contract) against the API running on workerd, plus the tests
// of that runtime's own entry (test/contract-workerd).
export default defineProject({
  test: {
    name: 'contract-workerd',
    include: ['test/contract/**/*.test.ts', 'test/contract-workerd/**/*.test.ts'],
    root: new URL('../..', import.meta.url).pathname,
    globalSetup: ['test/contract-workerd/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
