import { createAuthCache } from '../kv/auth-cache.ts';
import {
  createMemoryStore,
  createUpstashStore,
  type KvStore,
  type RateLimitRule,
} from '../kv/index.ts';
import type { KvDeps, LogFn } from '../routes/env.ts';
import type { RouteClass } from '../routes/middleware/rate-limit.ts';
import type { NodeConfig } from './config.ts';

/** Builds the key-value dependencies: Upstash when configured, else the in-process store. */
export function createKvDeps(
  config: NodeConfig['kv'],
  authenticate: (secret: string) => Promise<import('../chat/context.ts').Actor | null>,
  log?: LogFn,
): KvDeps & { mode: 'upstash' | 'memory' } {
  let store: KvStore;
  let mode: 'upstash' | 'memory';
  if (config.mode === 'auto' && config.url && config.token) {
    store = createUpstashStore({
      url: config.url,
      token: config.token,
      timeoutMs: config.timeoutMs,
    });
    mode = 'upstash';
  } else {
    store = createMemoryStore();
    mode = 'memory';
  }
  const limits: Partial<Record<RouteClass, RateLimitRule>> = {};
  for (const [name, rule] of Object.entries(config.limits)) {
    if (rule) limits[name as RouteClass] = rule;
  }
  const onWarn = (message: string, err: unknown) =>
    log?.({ level: 'warn', msg: message, error: err instanceof Error ? err.message : String(err) });
  return { store, limits, authCache: createAuthCache({ store, authenticate, onWarn }), mode };
}
