import type { TestProject } from 'vitest/node';
import { startSolr, type RunningSolr } from '../../origin-search/solr/launcher.ts';
import { startSearchOrigin } from '../../origin-search/src/server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Solr's base URL (…/solr); the core is `messages`. */
    solrUrl: string;
    /** The shared search origin in front of it. */
    originUrl: string;
    originSecret: string;
  }
}

/** Starts one real Solr (or uses SOLR_URL) and one search origin in front of it. */
export default async function setup(project: TestProject) {
  let solr: RunningSolr | undefined;
  let solrUrl = process.env.SOLR_URL;
  if (!solrUrl) {
    solr = await startSolr({ port: 0, onProgress: (line) => process.stderr.write(`${line}\n`) });
    solrUrl = solr.url;
  }
  const secret = `test-${crypto.randomUUID()}`;
  const origin = await startSearchOrigin({ solrUrl, secret, port: 0, commitWithinMs: 200 });
  project.provide('solrUrl', solrUrl);
  project.provide('originUrl', origin.url);
  project.provide('originSecret', secret);

  return async function teardown() {
    await origin.stop();
    await solr?.stop();
  };
}
