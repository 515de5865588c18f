import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import type { RouteClass } from './rate-limit.ts';

// Routes that mint lasting credentials share the small `auth` budget with failed
// authentications. Realtime tickets live a minute and every (re)connect needs one: they are
// ordinary writes.
const credentialRoutes = [/^\/v1\/me\/tokens$/, /^\/v1\/users$/];

/** Sorts a request into the budget it spends: search, auth, read (GET) or post (any write). */
export function classifyRoute(c: Context<AppEnv>): RouteClass {
  const path = c.req.path;
  if (path.startsWith('/v1/search')) return 'search';
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD') return 'read';
  if (method === 'POST' && credentialRoutes.some((r) => r.test(path))) return 'auth';
  return 'post';
}
