import { Hono } from 'hono';
import { createErrorHandler } from '../../src/routes/errors.ts';
import type { AppEnv } from '../../src/routes/env.ts';

/**
 * A tiny app shaped like stek's: a request id, a caller taken from `x-test-user` (standing in for
 * the bearer-token middleware), the app's real error handler, and whatever the test mounts.
 */
export function createTestApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let counter = 0;
  app.use(async function fakeAuth(c, next) {
    counter += 1;
    c.set('requestId', `req_${counter}`);
    const user = c.req.header('x-test-user');
    if (user) c.set('auth', { userId: `user-${user}`, tokenId: `token-${user}`, isAdmin: false });
    await next();
  });
  app.onError(createErrorHandler());
  return app;
}

/** Collects onWarn calls. */
export function createWarnings() {
  const warnings: { message: string; error: unknown }[] = [];
  return {
    warnings,
    onWarn: (message: string, error: unknown) => warnings.push({ message, error }),
  };
}
