import { createRoute, z } from '@hono/zod-openapi';
import { memberChannelIds } from '../chat/channels.ts';
import * as users from '../chat/users.ts';
import { afterCommit } from './publish.ts';
import type { App, AppDeps } from './env.ts';
import { IssuedToken, Name, Token, User, errorResponses, json, jsonBody } from './schemas.ts';

const UserParams = z.object({ userId: z.string().min(1).max(64) });
const TokenParams = z.object({ tokenId: z.string().min(1).max(64) });

const getMe = createRoute({
  method: 'get',
  path: '/me',
  tags: ['users'],
  summary: 'The caller',
  responses: { 200: json(User), ...errorResponses },
});

const listUsers = createRoute({
  method: 'get',
  path: '/users',
  tags: ['users'],
  summary: 'Everyone in the workspace',
  responses: { 200: json(z.object({ users: z.array(User) })), ...errorResponses },
});

const createUser = createRoute({
  method: 'post',
  path: '/users',
  tags: ['users'],
  summary: 'Create a user (admins only); returns their first token',
  request: {
    body: jsonBody(
      z.object({
        name: Name,
        displayName: z.string().max(80).optional(),
        isAdmin: z.boolean().optional(),
      }),
    ),
  },
  responses: {
    201: json(z.object({ user: User, token: IssuedToken }), 'created'),
    ...errorResponses,
  },
});

const deactivateUser = createRoute({
  method: 'post',
  path: '/users/{userId}/deactivate',
  tags: ['users'],
  summary: 'Deactivate a user (admins only): their tokens stop working',
  request: { params: UserParams },
  responses: { 200: json(User), ...errorResponses },
});

const listTokens = createRoute({
  method: 'get',
  path: '/me/tokens',
  tags: ['tokens'],
  summary: "The caller's live tokens",
  responses: { 200: json(z.object({ tokens: z.array(Token) })), ...errorResponses },
});

const createToken = createRoute({
  method: 'post',
  path: '/me/tokens',
  tags: ['tokens'],
  summary: 'Create a token for the caller; the secret is shown this once',
  request: { body: jsonBody(z.object({ name: z.string().min(1).max(80).optional() })) },
  responses: { 201: json(IssuedToken, 'created'), ...errorResponses },
});

const revokeToken = createRoute({
  method: 'delete',
  path: '/me/tokens/{tokenId}',
  tags: ['tokens'],
  summary: 'Revoke one of the caller’s tokens',
  request: { params: TokenParams },
  responses: { 200: json(Token), ...errorResponses },
});

export function registerUserRoutes(app: App, deps: AppDeps): void {
  const ctx = deps.chat;

  app.openapi(getMe, async (c) => c.json(await users.getUser(ctx, c.get('auth').userId), 200));

  app.openapi(listUsers, async (c) => c.json({ users: await users.listUsers(ctx) }, 200));

  app.openapi(createUser, async (c) => {
    const body = c.req.valid('json');
    const user = await users.adminCreateUser(ctx, c.get('auth'), body);
    const token = await users.issueToken(ctx, user.id, 'default');
    return c.json({ user, token }, 201);
  });

  // Cached lookups of a revoked credential are dropped at once, not after the cache's TTL.
  const forget = async (which: { tokenId: string } | { userId: string }) => {
    if (deps.kv?.authCache) await deps.kv.authCache.forget(await users.tokenHashes(ctx, which));
  };

  app.openapi(deactivateUser, async (c) => {
    const { userId } = c.req.valid('param');
    const user = await users.deactivateUser(ctx, c.get('auth'), userId);
    await forget({ userId });
    if (deps.onUserDeactivated) {
      const channelIds = await memberChannelIds(ctx, userId);
      afterCommit(c, deps, () => deps.onUserDeactivated!(userId, channelIds));
    }
    return c.json(user, 200);
  });

  app.openapi(listTokens, async (c) =>
    c.json({ tokens: await users.listTokens(ctx, c.get('auth')) }, 200),
  );

  app.openapi(createToken, async (c) => {
    const { name } = c.req.valid('json');
    return c.json(await users.issueToken(ctx, c.get('auth').userId, name), 201);
  });

  app.openapi(revokeToken, async (c) => {
    const { tokenId } = c.req.valid('param');
    const token = await users.revokeToken(ctx, c.get('auth'), tokenId);
    await forget({ tokenId });
    return c.json(token, 200);
  });
}
