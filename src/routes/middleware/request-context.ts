import type { MiddlewareHandler } from 'hono';
import { newRequestId } from '../../lib/ids.ts';
import { nextWithHeaders } from './response-headers.ts';
import type { AppEnv, LogFn } from '../env.ts';

const incomingId = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is sane), echoes it on the
 * response, and writes one structured log line when the response is ready.
 */
export function requestContext(log?: LogFn): MiddlewareHandler<AppEnv> {
  return async function requestContext(c, next) {
    const given = c.req.header('x-request-id');
    const requestId = given && incomingId.test(given) ? given : newRequestId();
    c.set('requestId', requestId);
    const started = performance.now();
    await nextWithHeaders(c, next, { 'X-Request-Id': requestId });
    log?.({
      level: 'info',
      msg: 'request',
      method: c.req.method,
      route: c.req.routePath,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      requestId,
    });
  };
}
