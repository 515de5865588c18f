// The REST half of the client: one request function and one error type for every refusal.

/** What the API refused, as its JSON envelope said it (`code` is stable, `message` is for people). */
export class StekApiError extends Error {
  override name = 'StekApiError';
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  readonly requestId?: string;

  constructor(
    status: number,
    code: string,
    message: string,
    details?: unknown,
    requestId?: string,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
  }
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface HttpClientOptions {
  /** The API origin, e.g. `http://127.0.0.1:8787`; `/v1` is added. */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
}

export type RequestFn = <T>(path: string, options?: RequestOptions) => Promise<T>;

/** A request function bound to one API and token. Throws {@link StekApiError} on any refusal. */
export function createRequest(options: HttpClientOptions): RequestFn {
  const base = `${options.baseUrl.replace(/\/+$/, '')}/v1`;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  return async function request<T>(path: string, init: RequestOptions = {}): Promise<T> {
    const url = new URL(`${base}${path}`);
    for (const [key, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}` };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await doFetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's error page, say); reported below with the status.
    }
    if (!response.ok) {
      const envelope = parsed as
        | { error?: { code?: string; message?: string; details?: unknown }; requestId?: string }
        | undefined;
      throw new StekApiError(
        response.status,
        envelope?.error?.code ?? 'http_error',
        envelope?.error?.message ?? `${response.status} ${response.statusText}`.trim(),
        envelope?.error?.details,
        envelope?.requestId,
      );
    }
    return parsed as T;
  };
}
