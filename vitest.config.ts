import { defineConfig } from 'vitest/config';

// Each test area is its own project with its own global setup (the servers it needs),
// so `vitest run --project core` starts only what the core suite uses.
export default defineConfig({
  test: {
    projects: ['test/*/vitest.config.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
