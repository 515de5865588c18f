import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { authenticate } from './chat/users.ts';
import { ApiError } from './lib/errors.ts';
import { mayHaveBody, readBodyOf } from './lib/request-body.ts';
import { registerChannelRoutes } from './routes/channels.ts';
import type { App, AppDeps, AppEnv } from './routes/env.ts';
import { createErrorHandler, validationError } from './routes/errors.ts';
import { registerHealthRoute } from './routes/health.ts';
import { registerMessageRoutes } from './routes/messages.ts';
import { registerSearchRoutes } from './routes/search.ts';
import { registerRealtimeRoutes } from './routes/realtime.ts';
import { requireAuth } from './routes/middleware/auth.ts';
import { classifyRoute } from './routes/middleware/classify.ts';
import { idempotency } from './routes/middleware/idempotency.ts';
import { rateLimit } from './routes/middleware/rate-limit.ts';
import { requestContext } from './routes/middleware/request-context.ts';
import { registerUserRoutes } from './routes/users.ts';

export type { AppDeps } from './routes/env.ts';

/**
 * Authentication, then (with a key-value store) rate limits and Idempotency-Key replay, in that
 * order: budgets and replays belong to the authenticated caller.
 */
function installGuards(v1: App, deps: AppDeps): void {
  const kv = deps.kv;
  const warn = (message: string, err: unknown) =>
    deps.log?.({
      level: 'warn',
      msg: message,
      error: err instanceof Error ? err.message : String(err),
    });
  const lookup = (secret: string) => authenticate(deps.chat, secret);
  const limitFailures = kv?.limits.auth
    ? rateLimit({
        store: kv.store,
        limits: { auth: kv.limits.auth },
        classify: () => 'auth',
        onWarn: warn,
      })
    : undefined;
  const authMiddleware = requireAuth(kv?.authCache ? kv.authCache.authenticate : lookup, {
    // A failed authentication spends the caller's (by address) small `auth` budget.
    onRejected: limitFailures
      ? (c) => limitFailures(c, async () => {}) as Promise<void>
      : undefined,
  });
  v1.use('*', async function authUnlessSpec(c, next) {
    // The spec is public so tools can read it before they hold a token.
    if (c.req.path === '/v1/openapi.json') return next();
    return authMiddleware(c, next);
  });
  if (!kv) return;
  v1.use(
    '*',
    rateLimit({ store: kv.store, limits: kv.limits, classify: classifyRoute, onWarn: warn }),
  );
  v1.use('*', idempotency({ store: kv.store, ttlMs: kv.idempotencyTtlMs, onWarn: warn }));
}

export const defaultBodyLimitBytes = 256 * 1024;

/** A fresh router whose schema failures become stek's 400 envelope. */
function createRouter(): App {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
}

/** The web app at `/` and its own paths; never `/v1/*` or `/health`, whose 404s stay JSON. */
function registerStaticAssets(app: App, serve: NonNullable<AppDeps['staticAssets']>): void {
  app.get('*', async function serveWebApp(c, next) {
    const path = c.req.path;
    if (path === '/v1' || path.startsWith('/v1/') || path === '/health') return next();
    return (await serve(c.req.raw)) ?? next();
  });
}

/**
 * Builds the whole HTTP API from its dependencies. The same app serves Node, workerd and Deno;
 * the entries differ only in how they construct `deps`.
 */
export function createApp(deps: AppDeps): App {
  const app = createRouter();
  const handleError = createErrorHandler(deps.log);

  app.use(requestContext(deps.log));
  const limitBody = bodyLimit({
    maxSize: deps.bodyLimitBytes ?? defaultBodyLimitBytes,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', 'the request body is too large');
    },
  });
  app.use(async function takeRequestBody(c, next) {
    if (!mayHaveBody(c.req.raw)) return next();
    const read = readBodyOf(c.req.raw);
    if (!read) return limitBody(c, next);
    // The entry read the body and held it to the limit. Hono keeps a read body as promises by
    // kind; `json()` parses the text, `arrayBuffer()` (the idempotency hash) gets a copy of the
    // bytes, and the request's own stream is never built.
    const { bytes, text } = read;
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    Object.assign(c.req.bodyCache, {
      text: Promise.resolve(text),
      arrayBuffer: Promise.resolve(buffer),
    });
    return next();
  });
  registerHealthRoute(app, deps);

  const v1 = createRouter();
  installGuards(v1, deps);
  registerUserRoutes(v1, deps);
  registerChannelRoutes(v1, deps);
  registerMessageRoutes(v1, deps);
  registerSearchRoutes(v1, deps);
  registerRealtimeRoutes(v1, deps);
  v1.doc('/openapi.json', {
    openapi: '3.0.3',
    info: { title: 'stek API', version: '1' },
    servers: [{ url: '/v1' }],
  });
  v1.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
  });
  app.route('/v1', v1);
  if (deps.staticAssets) registerStaticAssets(app, deps.staticAssets);

  app.notFound((c) => handleError(new ApiError(404, 'not_found', 'no such route'), c));
  app.onError(handleError);
  v1.onError(handleError);
  return app;
}
