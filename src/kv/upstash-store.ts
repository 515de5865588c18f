import { Ratelimit } from '@upstash/ratelimit';
// The Workers build of the client: plain fetch, no Node agent, no `cache` fetch option and no
// process.env probing, so the same import runs on Node, workerd and Deno.
import { Redis } from '@upstash/redis/cloudflare';

import {
  assertRateLimitRule,
  assertSetOptions,
  type KvSetOptions,
  type KvStore,
  type RateLimitResult,
  type RateLimitRule,
} from './kv-store.ts';
import { KvUnavailableError } from './kv-unavailable-error.ts';

/** Options for {@link createUpstashStore}. */
export interface UpstashStoreOptions {
  /** The REST URL (`UPSTASH_REDIS_REST_URL`). */
  url: string;
  /** The REST token (`UPSTASH_REDIS_REST_TOKEN`). */
  token: string;
  /** Upper bound for every operation, in ms; past it the operation throws KvUnavailableError. */
  timeoutMs?: number;
  /** Namespace for every key this store writes. */
  prefix?: string;
}

/**
 * Creates a store on Upstash Redis (or the local endpoint speaking its REST API). Every
 * operation is bounded by `timeoutMs`; timeouts, network failures and service errors all throw
 * {@link KvUnavailableError} so callers can fail open.
 */
export function createUpstashStore(options: UpstashStoreOptions): KvStore {
  const timeoutMs = options.timeoutMs ?? 200;
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new TypeError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
  }
  if (!options.url || !options.token) throw new TypeError('createUpstashStore needs url and token');
  const prefix = options.prefix ?? 'stek';

  const redis = new Redis({
    url: options.url,
    token: options.token,
    // Retries would outlive the time budget; the caller degrades instead.
    retry: false,
    // A fresh signal per HTTP request, so an abandoned fetch is cancelled, not left running.
    signal: () => AbortSignal.timeout(timeoutMs),
    // Values are opaque strings here; the client would otherwise turn "42" into 42.
    automaticDeserialization: false,
    enableTelemetry: false,
  });
  const limiters = new Map<string, Ratelimit>();

  function getLimiter(rule: RateLimitRule): Ratelimit {
    const id = `${rule.limit}/${rule.windowMs}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      limiter = new Ratelimit({
        redis,
        limiter: Ratelimit.slidingWindow(rule.limit, `${rule.windowMs} ms`),
        prefix: `${prefix}:rl`,
        // Its own timeout answers "allowed" silently and its cache refuses without asking redis
        // until the window ends; both would make this store behave unlike the memory one.
        timeout: 0,
        ephemeralCache: false,
        analytics: false,
        enableTelemetry: false,
      });
      limiters.set(id, limiter);
    }
    return limiter;
  }

  async function bounded<T>(operation: string, run: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const cause = new Error(`no reply within ${timeoutMs} ms`);
        reject(new KvUnavailableError(`kv ${operation} timed out`, { cause }));
      }, timeoutMs);
    });
    try {
      return await Promise.race([run(), expired]);
    } catch (error) {
      if (error instanceof KvUnavailableError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new KvUnavailableError(`kv ${operation} failed: ${reason}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  const keyOf = (key: string) => `${prefix}:${key}`;

  return {
    get(key) {
      return bounded('get', () => redis.get<string>(keyOf(key)));
    },

    async set(key: string, value: string, setOptions?: KvSetOptions) {
      assertSetOptions(setOptions);
      const ttlMs = setOptions?.ttlMs;
      const reply = await bounded('set', () => {
        if (setOptions?.ifAbsent) {
          return ttlMs === undefined
            ? redis.set(keyOf(key), value, { nx: true })
            : redis.set(keyOf(key), value, { nx: true, px: ttlMs });
        }
        return ttlMs === undefined
          ? redis.set(keyOf(key), value)
          : redis.set(keyOf(key), value, { px: ttlMs });
      });
      return reply === 'OK';
    },

    async delete(key) {
      return (await bounded('delete', () => redis.del(keyOf(key)))) > 0;
    },

    async checkRateLimit(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
      assertRateLimitRule(rule);
      const limiter = getLimiter(rule);
      const result = await bounded('rate limit', () => limiter.limit(`${key}:${rule.windowMs}`));
      const retryAfterMs = result.success ? 0 : Math.max(0, result.reset - Date.now());
      return {
        allowed: result.success,
        limit: result.limit,
        remaining: result.remaining,
        resetAt: result.reset,
        retryAfterMs,
      };
    },
  };
}
