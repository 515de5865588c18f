import { Agent, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import solr from 'solr-client';

/** Solr answered with an error status; `status` is Solr's. */
export class SolrError extends Error {
  override name = 'SolrError';
  readonly status: number;
  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/** Solr could not be reached or did not answer in time. */
export class SolrUnavailableError extends Error {
  override name = 'SolrUnavailableError';
}

/** Query parameters for /select; arrays become repeated parameters (several `fq`). */
export type SolrParams = Record<string, string | number | boolean | string[]>;

export interface SolrDoc {
  [field: string]: unknown;
}

export interface SolrSelectResponse {
  /** QTime: milliseconds Solr spent inside the request handler. */
  responseHeader?: { QTime?: number };
  /** `numFoundExact` is false when `minExactCount` let Solr stop counting: a lower bound. */
  response: { numFound: number; numFoundExact?: boolean; docs: SolrDoc[] };
  nextCursorMark?: string;
  highlighting?: Record<string, Record<string, string[]>>;
  facet_counts?: { facet_fields?: Record<string, Array<string | number>> };
}

/** The few Solr calls the origin makes. */
export interface SolrIndex {
  /** Adds documents; they become searchable within `commitWithinMs`. */
  add(docs: SolrDoc[], options: { commitWithinMs: number }): Promise<void>;
  deleteByQuery(query: string, options: { commitWithinMs: number }): Promise<void>;
  select(params: SolrParams): Promise<SolrSelectResponse>;
  /** Resolves when the core answers a trivial query. */
  ping(): Promise<void>;
  /** Closes the pooled connections to Solr. */
  close(): void;
}

export interface SolrIndexOptions {
  /** Solr's base URL, e.g. http://127.0.0.1:8983/solr */
  url: string;
  core: string;
  /** Per request; a request running longer is aborted. */
  timeoutMs?: number;
  /** Connections kept open to Solr at most (16 by default); more requests queue. */
  maxSockets?: number;
}

type Callback = (err: (Error & { statusCode?: number }) | null, body: unknown) => void;

/** The untyped parts of solr-client we use, narrowed. */
interface RawClient {
  add(docs: SolrDoc[], options: Record<string, unknown>, callback: Callback): ClientRequest;
  deleteByQuery(query: string, options: Record<string, unknown>, callback: Callback): ClientRequest;
  post(handler: string, query: Record<string, unknown>, callback: Callback): ClientRequest;
}

/**
 * Wraps solr-client for one core: promise-based, typed, every request bounded by a timeout, and
 * failures sorted into "Solr said no" ({@link SolrError}) and "Solr is not there"
 * ({@link SolrUnavailableError}).
 */
export function createSolrIndex(options: SolrIndexOptions): SolrIndex {
  const url = new URL(options.url);
  const timeoutMs = options.timeoutMs ?? 5000;
  const secure = url.protocol === 'https:';
  // One pool of kept-alive connections: no TCP handshake per search, and a bound on how many
  // requests Solr's two-core machine is asked to run at once.
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 16,
    maxFreeSockets: 16,
  };
  const agent = secure ? new HttpsAgent(agentOptions) : new Agent(agentOptions);
  const client = solr.createClient({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    secure,
    agent,
    path: url.pathname.replace(/\/$/, '') || '/solr',
    core: options.core,
    solrVersion: '5.1',
  }) as unknown as RawClient;

  function call<T>(what: string, start: (callback: Callback) => ClientRequest): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const request = start((err, body) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!err) return resolve(body as T);
        if (typeof err.statusCode === 'number') {
          return reject(
            new SolrError(`solr ${what}: ${err.message}`, err.statusCode, { cause: err }),
          );
        }
        reject(new SolrUnavailableError(`solr ${what}: ${err.message}`, { cause: err }));
      });
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        request.destroy();
        reject(new SolrUnavailableError(`solr ${what}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }

  return {
    async add(docs, { commitWithinMs }) {
      if (docs.length === 0) return;
      await call('add', (cb) => client.add(docs, { commitWithin: commitWithinMs }, cb));
    },
    async deleteByQuery(query, { commitWithinMs }) {
      await call('delete', (cb) =>
        client.deleteByQuery(query, { commitWithin: commitWithinMs }, cb),
      );
    },
    select(params) {
      return call<SolrSelectResponse>('select', (cb) => client.post('select', params, cb));
    },
    async ping() {
      await call('ping', (cb) => client.post('select', { q: '*:*', rows: 0 }, cb));
    },
    close() {
      agent.destroy();
    },
  };
}
