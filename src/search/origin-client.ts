import type {
  IndexDelete,
  IndexDocument,
  OriginSearchRequest,
  OriginSearchResponse,
  PruneRequest,
} from './contract.ts';

/** The search origin (or Solr behind it) did not answer, or answered that it is down. */
export class SearchUnavailableError extends Error {
  override name = 'SearchUnavailableError';
}

/** The origin refused a request (4xx): a forged cursor, say. */
export class SearchRejectedError extends Error {
  override name = 'SearchRejectedError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the edge and the indexer call on the search origin. */
export interface SearchOrigin {
  search(request: OriginSearchRequest): Promise<OriginSearchResponse>;
  upsert(documents: IndexDocument[]): Promise<void>;
  delete(deletes: IndexDelete[]): Promise<void>;
  /** Removes a channel's documents below a version (after a rebuild rewrote the live ones). */
  prune(request: PruneRequest): Promise<void>;
  /** Resolves when the origin and Solr answer. */
  health(): Promise<void>;
}

export interface SearchOriginClientOptions {
  /** The origin's base URL, e.g. http://127.0.0.1:8790 */
  url: string;
  secret: string;
  /** Per request, for searches; a slower answer counts as unavailable. 3 s by default. */
  timeoutMs?: number;
  /** Per request, for index writes (large batches take longer). 30 s by default. */
  writeTimeoutMs?: number;
  fetch?: typeof fetch;
}

/** A fetch-based client for the search origin, usable on every runtime. */
export function createSearchOriginClient(options: SearchOriginClientOptions): SearchOrigin {
  const base = options.url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 3000;
  const writeTimeoutMs = options.writeTimeoutMs ?? 30_000;

  async function call<T>(method: string, path: string, body: unknown, limitMs: number): Promise<T> {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.secret}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(limitMs),
      });
    } catch (err) {
      throw new SearchUnavailableError(`search origin unreachable: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const text = await res.text().catch(() => '');
    if (res.ok) return (text ? JSON.parse(text) : null) as T;
    let code = 'origin_error';
    let message = `search origin answered ${res.status}`;
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      code = parsed.error?.code ?? code;
      message = parsed.error?.message ?? message;
    } catch {
      // Not the origin's envelope (a proxy's page): the status says enough.
    }
    if (res.status >= 500) throw new SearchUnavailableError(`${code}: ${message}`);
    throw new SearchRejectedError(res.status, code, message);
  }

  return {
    search: (request) => call('POST', '/v1/search', request, timeoutMs),
    async upsert(documents) {
      if (documents.length > 0) await call('POST', '/v1/documents', { documents }, writeTimeoutMs);
    },
    async delete(deletes) {
      if (deletes.length > 0)
        await call('POST', '/v1/documents/delete', { deletes }, writeTimeoutMs);
    },
    async prune(request) {
      await call('POST', '/v1/documents/prune', request, writeTimeoutMs);
    },
    async health() {
      await call('GET', '/health', undefined, timeoutMs);
    },
  };
}
