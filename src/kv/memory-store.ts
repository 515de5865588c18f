import {
  assertRateLimitRule,
  assertSetOptions,
  type KvSetOptions,
  type KvStore,
  type RateLimitResult,
  type RateLimitRule,
} from './kv-store.ts';

/** Options for {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Clock in ms since epoch; injectable so pure-logic tests need not sleep. */
  now?: () => number;
}

type Entry = { value: string; expiresAt: number | null };

/** Counts for the fixed window `window` (index = floor(now / windowMs)) and the one before. */
type Bucket = { windowMs: number; window: number; current: number; previous: number };

// Expired entries are dropped when read; a sweep every so many writes keeps keys that are never
// read again from piling up, without a timer (timers outside a request are not portable).
const SWEEP_EVERY = 1_000;

/**
 * Creates an in-process store for a single process (dev, tests, one-node deployments). Same
 * contract as the Upstash store, including the sliding-window arithmetic, so switching stores
 * changes nothing a client can observe.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): KvStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const buckets = new Map<string, Bucket>();
  let writes = 0;

  function readEntry(key: string, at: number): Entry | null {
    const entry = entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt !== null && entry.expiresAt <= at) {
      entries.delete(key);
      return null;
    }
    return entry;
  }

  function sweep(at: number): void {
    writes += 1;
    if (writes % SWEEP_EVERY !== 0) return;
    for (const [key, entry] of entries) {
      if (entry.expiresAt !== null && entry.expiresAt <= at) entries.delete(key);
    }
    for (const [key, bucket] of buckets) {
      if (bucket.window < Math.floor(at / bucket.windowMs) - 1) buckets.delete(key);
    }
  }

  return {
    async get(key) {
      return readEntry(key, now())?.value ?? null;
    },

    async set(key: string, value: string, setOptions?: KvSetOptions) {
      assertSetOptions(setOptions);
      const at = now();
      if (setOptions?.ifAbsent && readEntry(key, at)) return false;
      const ttlMs = setOptions?.ttlMs;
      entries.set(key, { value, expiresAt: ttlMs === undefined ? null : at + ttlMs });
      sweep(at);
      return true;
    },

    async delete(key) {
      const existed = readEntry(key, now()) !== null;
      entries.delete(key);
      return existed;
    },

    async checkRateLimit(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
      assertRateLimitRule(rule);
      const at = now();
      const { limit, windowMs } = rule;
      const window = Math.floor(at / windowMs);
      const bucketKey = `${key}:${windowMs}`;
      const bucket = buckets.get(bucketKey);
      const current = bucket?.window === window ? bucket.current : 0;
      const previous =
        bucket?.window === window
          ? bucket.previous
          : bucket?.window === window - 1
            ? bucket.current
            : 0;
      const resetAt = (window + 1) * windowMs;

      // The same weighting as @upstash/ratelimit's slidingWindow script, rounding included.
      const weighted = Math.floor((1 - (at % windowMs) / windowMs) * previous);
      if (weighted + current >= limit) {
        return { allowed: false, limit, remaining: 0, resetAt, retryAfterMs: resetAt - at };
      }

      buckets.set(bucketKey, { windowMs, window, current: current + 1, previous });
      sweep(at);
      const remaining = limit - (current + 1 + weighted);
      return { allowed: true, limit, remaining, resetAt, retryAfterMs: 0 };
    },
  };
}
