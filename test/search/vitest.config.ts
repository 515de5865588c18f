import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'search',
    include: ['test/search/**/*.test.ts'],
    root: new URL('../..', import.meta.url).pathname,
    globalSetup: ['test/search/global-setup.ts'],
    testTimeout: 30_000,
    // A cold Maven build of the Solr classpath plus the first Solr start.
    hookTimeout: 240_000,
  },
});
