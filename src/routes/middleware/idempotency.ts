import type { Context, MiddlewareHandler } from 'hono';
import type { Actor } from '../../chat/context.ts';
import { KvUnavailableError } from '../../kv/kv-unavailable-error.ts';
import type { KvStore } from '../../kv/kv-store.ts';
import { toHex } from '../../lib/crypto.ts';
import { ApiError } from '../../lib/errors.ts';
import type { AppEnv } from '../env.ts';
import type { WarnFn } from './rate-limit.ts';

/** Options for {@link idempotency}. */
export interface IdempotencyOptions {
  store: KvStore;
  /** How long a finished response is replayed, in ms; 24 h by default. */
  ttlMs?: number;
  /**
   * How long an in-flight lock lives, in ms, in case the process dies mid-request. A handler
   * running longer than this can be run a second time by a retry.
   */
  lockTtlMs?: number;
  /** Whose keys these are; null skips idempotency. Defaults to the authenticated user id. */
  identify?: (c: Context<AppEnv>) => string | null;
  onWarn?: WarnFn;
  /** Methods that honour the header; POST, PATCH and DELETE by default. */
  methods?: readonly string[];
  /** Responses with larger bodies are not stored (the lock is released instead). */
  maxStoredBodyBytes?: number;
  /** Namespace of the records in the store. */
  keyPrefix?: string;
}

type InFlight = { state: 'in_flight'; bodyHash: string };
type Finished = {
  state: 'done';
  bodyHash: string;
  status: number;
  headers: [string, string][];
  body: string;
};
type IdempotencyRecord = InFlight | Finished;

const DAY_MS = 24 * 60 * 60 * 1000;
const validKey = /^[\x20-\x7e]{1,255}$/;

// Headers that describe this delivery rather than the result: recomputed, set by other
// middleware on the retry itself, or unsafe to hand out twice.
const unreplayedHeaders = new Set([
  'connection',
  'content-length',
  'date',
  'keep-alive',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'retry-after',
  'set-cookie',
  'transfer-encoding',
  'x-request-id',
]);

/** 2xx and 4xx answers are final; 408, 425 and 429 invite a retry, like 5xx. */
function isReplayable(status: number): boolean {
  if (status === 408 || status === 425 || status === 429) return false;
  return (status >= 200 && status < 300) || (status >= 400 && status < 500);
}

async function hashHex(bytes: ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', bytes));
}

function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function parseRecord(raw: string): IdempotencyRecord | null {
  try {
    const value = JSON.parse(raw) as Partial<Omit<Finished, 'state'>> & { state?: string };
    if (typeof value.bodyHash !== 'string') return null;
    if (value.state === 'in_flight') return { state: 'in_flight', bodyHash: value.bodyHash };
    if (
      value.state === 'done' &&
      typeof value.status === 'number' &&
      typeof value.body === 'string' &&
      Array.isArray(value.headers)
    ) {
      return value as Finished;
    }
    return null;
  } catch {
    return null;
  }
}

function defaultIdentify(c: Context<AppEnv>): string | null {
  return (c.get('auth') as Actor | undefined)?.userId ?? null;
}

/**
 * Makes retried writes safe: a request carrying `Idempotency-Key` runs once per caller, method,
 * path and key; a retry with the same body gets the stored response again (with
 * `Idempotent-Replayed: true`), a retry while the first is running gets 409
 * `idempotency_in_flight`, and the same key with another body gets 422
 * `idempotency_key_reused`. 5xx answers are not stored, so a retry runs again. Requests without
 * a caller identity pass through untouched: anonymous callers cannot be told apart safely.
 * When the store is down, requests run normally and `onWarn` is told (fail open).
 */
export function idempotency(options: IdempotencyOptions): MiddlewareHandler<AppEnv> {
  if (!options.store) throw new TypeError('idempotency needs a store');
  const ttlMs = options.ttlMs ?? DAY_MS;
  const lockTtlMs = options.lockTtlMs ?? 60_000;
  for (const [name, value] of [
    ['ttlMs', ttlMs],
    ['lockTtlMs', lockTtlMs],
  ] as const) {
    if (!(Number.isInteger(value) && value > 0)) {
      throw new TypeError(`idempotency ${name} must be a positive integer, got ${value}`);
    }
  }
  const identify = options.identify ?? defaultIdentify;
  const methods = new Set(
    (options.methods ?? ['POST', 'PATCH', 'DELETE']).map((m) => m.toUpperCase()),
  );
  const maxStoredBodyBytes = options.maxStoredBodyBytes ?? 1024 * 1024;
  const keyPrefix = options.keyPrefix ?? 'idem';
  const { store } = options;
  const warn = (message: string, error: unknown) => options.onWarn?.(message, error);

  function isUnavailable(error: unknown): error is KvUnavailableError {
    return error instanceof KvUnavailableError;
  }

  function replay(c: Context<AppEnv>, record: Finished): Response {
    const headers = new Headers(record.headers);
    headers.set('Idempotent-Replayed', 'true');
    const body = record.body === '' ? null : decodeBase64(record.body);
    return c.newResponse(body, record.status as 200, Object.fromEntries(headers));
  }

  async function saveResponse(c: Context<AppEnv>, storeKey: string, bodyHash: string) {
    const response = c.res;
    let bytes: Uint8Array | null = null;
    if (isReplayable(response.status)) {
      const buffer = await response.clone().arrayBuffer();
      if (buffer.byteLength <= maxStoredBodyBytes) bytes = new Uint8Array(buffer);
    }
    try {
      if (!bytes) {
        await store.delete(storeKey);
        return;
      }
      const headers: [string, string][] = [];
      response.headers.forEach((value, name) => {
        if (!unreplayedHeaders.has(name.toLowerCase())) headers.push([name, value]);
      });
      const record: Finished = {
        state: 'done',
        bodyHash,
        status: response.status,
        headers,
        body: encodeBase64(bytes),
      };
      await store.set(storeKey, JSON.stringify(record), { ttlMs });
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      warn('idempotency record not saved: kv store unavailable', error);
    }
  }

  return async function idempotency(c, next) {
    const key = c.req.header('idempotency-key');
    if (key === undefined || !methods.has(c.req.method)) return next();
    if (!validKey.test(key)) {
      throw new ApiError(
        400,
        'invalid_idempotency_key',
        'Idempotency-Key must be 1 to 255 printable ASCII characters',
      );
    }
    const identity = identify(c);
    if (identity === null) return next();

    const scope = JSON.stringify([identity, c.req.method, c.req.path, key]);
    const storeKey = `${keyPrefix}:${await hashHex(new TextEncoder().encode(scope))}`;
    const bodyHash = await hashHex(await c.req.arrayBuffer());
    const lock = JSON.stringify({ state: 'in_flight', bodyHash } satisfies InFlight);

    // Take the lock, or learn what holds the key. Two rounds: the holder may finish with a
    // 5xx and release the key between our lock attempt and our read.
    let locked = false;
    try {
      for (let round = 0; round < 2 && !locked; round += 1) {
        locked = await store.set(storeKey, lock, { ifAbsent: true, ttlMs: lockTtlMs });
        if (locked) break;
        const raw = await store.get(storeKey);
        if (raw === null) continue;
        const record = parseRecord(raw);
        if (!record) {
          warn('idempotency skipped: unreadable record in kv store', new Error(raw.slice(0, 200)));
          return next();
        }
        if (record.bodyHash !== bodyHash) {
          throw new ApiError(
            422,
            'idempotency_key_reused',
            'this Idempotency-Key was already used with a different request body',
          );
        }
        if (record.state === 'in_flight') {
          c.header('Retry-After', '1');
          throw new ApiError(
            409,
            'idempotency_in_flight',
            'a request with this Idempotency-Key is still being processed',
          );
        }
        return replay(c, record);
      }
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      warn('idempotency skipped: kv store unavailable', error);
      return next();
    }
    if (!locked) return next();

    try {
      await next();
    } catch (error) {
      await store.delete(storeKey).catch((releaseError: unknown) => {
        warn('idempotency lock not released', releaseError);
      });
      throw error;
    }
    await saveResponse(c, storeKey, bodyHash);
  };
}
