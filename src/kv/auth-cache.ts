import type { Actor } from '../chat/context.ts';
import { sha256Hex } from '../lib/crypto.ts';
import type { KvStore } from './kv-store.ts';
import { KvUnavailableError } from './kv-unavailable-error.ts';

export interface AuthCacheOptions {
  store: KvStore;
  /** The lookup behind the cache: the database. */
  authenticate: (secret: string) => Promise<Actor | null>;
  /**
   * How long a looked-up token is trusted without asking the database again. This bounds how
   * late a revocation made elsewhere (another process, the CLI) takes effect; 5 s by default.
   */
  ttlMs?: number;
  onWarn?: (message: string, error: unknown) => void;
  keyPrefix?: string;
}

export interface AuthCache {
  authenticate(secret: string): Promise<Actor | null>;
  /** Drops cached entries for these token hashes (after a revocation or deactivation here). */
  forget(tokenHashes: string[]): Promise<void>;
}

export const maxAuthCacheTtlMs = 5_000;

/**
 * Caches token lookups in the key-value store. Only successful lookups are cached, so a new
 * token works at once; a revoked one stops within `ttlMs`, or at once when revoked through this
 * API. When the store is down the database answers every request (fail open, with a warning).
 */
export function createAuthCache(options: AuthCacheOptions): AuthCache {
  const ttlMs = options.ttlMs ?? maxAuthCacheTtlMs;
  if (!(ttlMs > 0 && ttlMs <= maxAuthCacheTtlMs)) {
    throw new RangeError(`auth cache ttlMs must be in (0, ${maxAuthCacheTtlMs}]`);
  }
  const prefix = options.keyPrefix ?? 'auth';
  const keyFor = (hash: string) => `${prefix}:${hash}`;

  async function tryStore<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof KvUnavailableError)) throw err;
      options.onWarn?.(`auth cache ${what} skipped: key-value store unavailable`, err);
      return undefined;
    }
  }

  return {
    async authenticate(secret) {
      const hash = await sha256Hex(secret);
      const cached = await tryStore('read', () => options.store.get(keyFor(hash)));
      if (cached) return JSON.parse(cached) as Actor;
      const actor = await options.authenticate(secret);
      if (actor) {
        await tryStore('write', () =>
          options.store.set(keyFor(hash), JSON.stringify(actor), { ttlMs }),
        );
      }
      return actor;
    },
    async forget(tokenHashes) {
      await Promise.all(
        tokenHashes.map((hash) => tryStore('delete', () => options.store.delete(keyFor(hash)))),
      );
    },
  };
}
