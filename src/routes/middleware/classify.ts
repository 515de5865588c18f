import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import type { RouteClass } from './rate-limit.ts';

// Routes that mint credentials share the small `auth` budget with failed authentications.
const credentialRoutes = [/^\/v1\/me\/tokens$/, /^\/v1\/users$/, /^\/v1\/realtime\/tickets$/];

/** Sorts a request into the budget it spends: search, auth, read (GET) or post (any write). */
export function classifyRoute(c: Context<AppEnv>): RouteClass {
  const path = c.req.path;
  if (path.startsWith('/v1/search')) return 'search';
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD') return 'read';
  if (method === 'POST' && credentialRoutes.some((r) => r.test(path))) return 'auth';
  return 'post';
}
