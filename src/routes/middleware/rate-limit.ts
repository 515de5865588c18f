import type { Context, MiddlewareHandler } from 'hono';
import type { Actor } from '../../chat/context.ts';
import { KvUnavailableError } from '../../kv/kv-unavailable-error.ts';
import { assertRateLimitRule, type KvStore, type RateLimitRule } from '../../kv/kv-store.ts';
import { ApiError } from '../../lib/errors.ts';
import type { AppEnv } from '../env.ts';
import { nextWithHeaders } from './response-headers.ts';

/** The groups of routes that share a budget. */
export type RouteClass = 'post' | 'read' | 'search' | 'auth';

/** Called when the store is down and a request goes through unchecked. */
export type WarnFn = (message: string, error: unknown) => void;

/** Options for {@link rateLimit}. */
export interface RateLimitOptions {
  store: KvStore;
  /** The budget per route class; a class without a rule is not limited. */
  limits: Partial<Record<RouteClass, RateLimitRule>>;
  /** Which class a request belongs to; null leaves it unlimited. */
  classify: (c: Context<AppEnv>) => RouteClass | null;
  /** Whose budget a request spends; defaults to {@link identifyCaller}. */
  identify?: (c: Context<AppEnv>) => string;
  onWarn?: WarnFn;
  /** Namespace of the counters in the store. */
  keyPrefix?: string;
}

type NodeLikeEnv = { incoming?: { socket?: { remoteAddress?: string } } };
type DenoLikeEnv = { remoteAddr?: { hostname?: string } };

/**
 * Reads the client address: Cloudflare's header, then the first X-Forwarded-For hop, then the
 * socket (Node's `c.env.incoming`, Deno's `c.env.remoteAddr`). The headers can be forged when
 * nothing in front of the API sets them; deployments without such a proxy should pass
 * `identify`.
 */
export function readClientIp(c: Context): string | null {
  const cf = c.req.header('cf-connecting-ip')?.trim();
  if (cf) return cf;
  const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
  if (forwarded) return forwarded;
  const env = (c.env ?? {}) as NodeLikeEnv & DenoLikeEnv;
  return env.incoming?.socket?.remoteAddress ?? env.remoteAddr?.hostname ?? null;
}

/** The caller's token when authenticated, else the client address, else `anonymous`. */
export function identifyCaller(c: Context<AppEnv>): string {
  const auth = c.get('auth') as Actor | undefined;
  if (auth?.tokenId) return `token:${auth.tokenId}`;
  const ip = readClientIp(c);
  return ip ? `ip:${ip}` : 'anonymous';
}

function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Counts each request against its caller's budget for its route class and refuses with 429
 * once the budget is spent. Sets `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
 * (seconds) on every counted response, plus `Retry-After` on refusals. When the store is down,
 * requests pass unchecked and `onWarn` is told (fail open).
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  if (!options.store) throw new TypeError('rateLimit needs a store');
  if (typeof options.classify !== 'function') throw new TypeError('rateLimit needs classify');
  for (const rule of Object.values(options.limits)) if (rule) assertRateLimitRule(rule);
  const identify = options.identify ?? identifyCaller;
  const keyPrefix = options.keyPrefix ?? 'rl';

  return async function rateLimit(c, next) {
    const routeClass = options.classify(c);
    const rule = routeClass ? options.limits[routeClass] : undefined;
    if (!routeClass || !rule) return next();

    let result;
    try {
      result = await options.store.checkRateLimit(
        `${keyPrefix}:${routeClass}:${identify(c)}`,
        rule,
      );
    } catch (error) {
      if (!(error instanceof KvUnavailableError)) throw error;
      options.onWarn?.('rate limit skipped: kv store unavailable', error);
      return next();
    }

    const headers = {
      'RateLimit-Limit': String(result.limit),
      'RateLimit-Remaining': String(result.remaining),
      'RateLimit-Reset': String(secondsUntil(result.resetAt, Date.now())),
    };
    if (!result.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
      for (const [name, value] of Object.entries(headers)) c.header(name, value);
      throw new ApiError(
        429,
        'rate_limited',
        `too many ${routeClass} requests; retry in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    }

    await nextWithHeaders(c, next, headers);
  };
}
