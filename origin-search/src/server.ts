import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createOriginApp, type OriginLogFn } from './app.ts';
import { createSolrIndex } from './solr.ts';

export interface StartSearchOriginOptions {
  solrUrl: string;
  solrCore?: string;
  secret: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  commitWithinMs?: number;
  /** Exact totals and facets up to this many matches (see `OriginAppOptions`). */
  exactCountBound?: number;
  /** Connections to Solr at most (16 by default); more searches wait in the origin. */
  solrConnections?: number;
  /** Per Solr request. */
  solrTimeoutMs?: number;
  log?: OriginLogFn;
}

export interface RunningSearchOrigin {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Serves the search origin on Node in front of the given Solr. */
export async function startSearchOrigin(
  options: StartSearchOriginOptions,
): Promise<RunningSearchOrigin> {
  const solr = createSolrIndex({
    url: options.solrUrl,
    core: options.solrCore ?? 'messages',
    timeoutMs: options.solrTimeoutMs,
    maxSockets: options.solrConnections,
  });
  const app = createOriginApp({
    solr,
    secret: options.secret,
    log: options.log,
    commitWithinMs: options.commitWithinMs,
    exactCountBound: options.exactCountBound,
  });
  const host = options.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () =>
      resolve(s),
    );
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => {
          solr.close();
          done();
        });
        // Idle keep-alive sockets would hold close() open; nothing is mid-request at stop.
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
