import type { Context, MiddlewareHandler } from 'hono';
import type { Actor } from '../../chat/context.ts';
import { ApiError } from '../../lib/errors.ts';
import type { AppEnv } from '../env.ts';

export type Authenticate = (secret: string) => Promise<Actor | null>;

export interface RequireAuthOptions {
  /**
   * Runs before a request is refused for its credentials; may throw instead (a 429 once a client
   * has failed too often).
   */
  onRejected?: (c: Context<AppEnv>) => Promise<void>;
}

/** Requires `Authorization: Bearer <token>` and puts the caller in `c.get('auth')`. */
export function requireAuth(
  authenticate: Authenticate,
  options: RequireAuthOptions = {},
): MiddlewareHandler<AppEnv> {
  return async function requireAuth(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      await options.onRejected?.(c);
      throw new ApiError(401, 'unauthorized', 'send Authorization: Bearer <token>');
    }
    const actor = await authenticate(match[1]!);
    if (!actor) {
      await options.onRejected?.(c);
      throw new ApiError(401, 'unauthorized', 'the token is unknown or revoked');
    }
    c.set('auth', actor);
    await next();
  };
}
