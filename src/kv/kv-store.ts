/** How many requests one key may make per window. */
export interface RateLimitRule {
  /** Requests allowed per window; a positive integer. */
  limit: number;
  /** Window length in milliseconds; a positive integer. */
  windowMs: number;
}

/**
 * The outcome of one rate-limit check. Counting follows a sliding window approximated from two
 * fixed windows: the previous window's count weighs in by how much of it still overlaps.
 */
export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** Requests still allowed right now, after counting this one. */
  remaining: number;
  /** When the current fixed window ends (ms since epoch); by then a refused key is allowed. */
  resetAt: number;
  /** 0 when allowed; otherwise how long until `resetAt`. */
  retryAfterMs: number;
}

/** Options for {@link KvStore.set}. */
export interface KvSetOptions {
  /** Expire the value after this many milliseconds; a positive integer. */
  ttlMs?: number;
  /** Only write when the key holds nothing (a lock); `set` then reports whether it wrote. */
  ifAbsent?: boolean;
}

/**
 * The key-value operations stek needs: small string values with expiry, locks, and rate limits.
 * Redis never holds the only copy of anything, so every caller can degrade when a call throws
 * {@link KvUnavailableError}.
 */
export interface KvStore {
  /** Returns the value, or null when the key is missing or expired. */
  get(key: string): Promise<string | null>;
  /** Writes the value; returns false only when `ifAbsent` was set and the key already existed. */
  set(key: string, value: string, options?: KvSetOptions): Promise<boolean>;
  /** Removes the key; returns whether it existed. */
  delete(key: string): Promise<boolean>;
  /** Counts one request against `key` under `rule` (refused requests are not counted). */
  checkRateLimit(key: string, rule: RateLimitRule): Promise<RateLimitResult>;
}

/** Throws a TypeError for arguments no correct caller passes. */
export function assertSetOptions(options: KvSetOptions | undefined): void {
  const ttlMs = options?.ttlMs;
  if (ttlMs !== undefined && !(Number.isInteger(ttlMs) && ttlMs > 0)) {
    throw new TypeError(`ttlMs must be a positive integer, got ${ttlMs}`);
  }
}

/** Throws a TypeError when a rule is not two positive integers. */
export function assertRateLimitRule(rule: RateLimitRule): void {
  if (!(Number.isInteger(rule.limit) && rule.limit > 0)) {
    throw new TypeError(`rate limit must be a positive integer, got ${rule.limit}`);
  }
  if (!(Number.isInteger(rule.windowMs) && rule.windowMs > 0)) {
    throw new TypeError(`rate limit windowMs must be a positive integer, got ${rule.windowMs}`);
  }
}
