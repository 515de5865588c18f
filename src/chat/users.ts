import { and, asc, eq, isNull } from 'drizzle-orm';
import { apiTokens, users } from '../db/schema.ts';
import { newTokenSecret, sha256Hex } from '../lib/crypto.ts';
import { ApiError, conflict, forbidden, notFound } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import type { Actor, ChatContext } from './context.ts';
import { readQuery } from './read-queries.ts';
import { checkName } from './rules.ts';
import { toUserView, type UserView } from './views.ts';

export interface CreateUserInput {
  name: string;
  displayName?: string;
  isAdmin?: boolean;
  isBot?: boolean;
  externalId?: string;
}

export interface TokenView {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
  revoked: boolean;
}

export interface IssuedToken extends TokenView {
  /** The secret, shown this once. Only its hash is stored. */
  token: string;
}

function requireAdmin(actor: Actor): void {
  if (!actor.isAdmin) throw forbidden('only an admin can do this');
}

/** Creates a user. Admin-only through the API; the CLI acts as the machine's operator. */
export async function createUser(ctx: ChatContext, input: CreateUserInput): Promise<UserView> {
  const name = checkName(input.name);
  const row = {
    id: newId('usr'),
    name,
    displayName: input.displayName?.trim() || name,
    isAdmin: input.isAdmin ?? false,
    isBot: input.isBot ?? false,
    externalId: input.externalId ?? null,
    createdAt: ctx.now(),
  };
  const created = await ctx.db.write(async (tx) => {
    const existing = await tx.select({ id: users.id }).from(users).where(eq(users.name, name));
    if (existing.length > 0) return null;
    await tx.insert(users).values(row);
    return row;
  });
  if (!created) throw conflict('name_taken', `a user named '${name}' exists already`);
  return toUserView({ ...created, deactivatedAt: null });
}

export async function adminCreateUser(
  ctx: ChatContext,
  actor: Actor,
  input: CreateUserInput,
): Promise<UserView> {
  requireAdmin(actor);
  return createUser(ctx, input);
}

export async function getUser(ctx: ChatContext, userId: string): Promise<UserView> {
  const [row] = await ctx.db.read.select().from(users).where(eq(users.id, userId));
  if (!row) throw notFound('user');
  return toUserView(row);
}

export async function findUserByName(ctx: ChatContext, name: string): Promise<UserView | null> {
  const [row] = await ctx.db.read.select().from(users).where(eq(users.name, name));
  return row ? toUserView(row) : null;
}

export async function listUsers(ctx: ChatContext): Promise<UserView[]> {
  const rows = await ctx.db.read.select().from(users).orderBy(asc(users.name));
  return rows.map(toUserView);
}

export async function countUsers(ctx: ChatContext): Promise<number> {
  const rows = await ctx.db.read.select({ id: users.id }).from(users).limit(1);
  return rows.length;
}

/** Deactivates a user: their tokens stop working at once. Admin-only; never yourself. */
export async function deactivateUser(
  ctx: ChatContext,
  actor: Actor,
  userId: string,
): Promise<UserView> {
  requireAdmin(actor);
  if (userId === actor.userId) {
    throw new ApiError(409, 'cannot_deactivate_self', 'an admin cannot deactivate themselves');
  }
  const row = await ctx.db.write(async (tx) => {
    const [found] = await tx.select().from(users).where(eq(users.id, userId));
    if (!found) return null;
    if (found.deactivatedAt != null) return found;
    const [updated] = await tx
      .update(users)
      .set({ deactivatedAt: ctx.now() })
      .where(eq(users.id, userId))
      .returning();
    return updated!;
  });
  if (!row) throw notFound('user');
  return toUserView(row);
}

function toTokenView(row: typeof apiTokens.$inferSelect): TokenView {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    createdAt: new Date(row.createdAt).toISOString(),
    revoked: row.revokedAt != null,
  };
}

/** Issues a new token for a user; the returned secret is not kept anywhere. */
export async function issueToken(
  ctx: ChatContext,
  userId: string,
  name = 'default',
): Promise<IssuedToken> {
  const token = newTokenSecret();
  const row = {
    id: newId('tok'),
    userId,
    name: name.trim().slice(0, 80) || 'default',
    tokenHash: await sha256Hex(token),
    createdAt: ctx.now(),
    revokedAt: null,
  };
  await ctx.db.write((tx) => tx.insert(apiTokens).values(row));
  return { ...toTokenView(row), token };
}

export async function listTokens(ctx: ChatContext, actor: Actor): Promise<TokenView[]> {
  const rows = await ctx.db.read
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, actor.userId), isNull(apiTokens.revokedAt)))
    .orderBy(asc(apiTokens.createdAt));
  return rows.map(toTokenView);
}

/** Revokes one of the caller's own tokens. Someone else's token is reported as not found. */
export async function revokeToken(
  ctx: ChatContext,
  actor: Actor,
  tokenId: string,
): Promise<TokenView> {
  const row = await ctx.db.write(async (tx) => {
    const [found] = await tx
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, actor.userId)));
    if (!found) return null;
    if (found.revokedAt != null) return found;
    const [updated] = await tx
      .update(apiTokens)
      .set({ revokedAt: ctx.now() })
      .where(eq(apiTokens.id, tokenId))
      .returning();
    return updated!;
  });
  if (!row) throw notFound('token');
  return toTokenView(row);
}

/** Looks a bearer secret up; `null` when unknown, revoked, or its user is deactivated. */
export async function authenticate(ctx: ChatContext, secret: string): Promise<Actor | null> {
  if (!secret.startsWith('stek_')) return null;
  const hash = await sha256Hex(secret);
  const [row] = await readQuery(ctx.db.read, 'tokenByHash').all({ hash });
  if (!row || row.revokedAt != null || row.deactivatedAt != null) return null;
  return { userId: row.userId, isAdmin: row.isAdmin, tokenId: row.tokenId };
}

/** The stored hashes of one token or of all a user's tokens, to drop them from caches. */
export async function tokenHashes(
  ctx: ChatContext,
  which: { tokenId: string } | { userId: string },
): Promise<string[]> {
  const condition =
    'tokenId' in which ? eq(apiTokens.id, which.tokenId) : eq(apiTokens.userId, which.userId);
  const rows = await ctx.db.read
    .select({ hash: apiTokens.tokenHash })
    .from(apiTokens)
    .where(condition);
  return rows.map((r) => r.hash);
}
