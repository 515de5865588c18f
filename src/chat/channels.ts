import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import { channelMembers, channels, readMarkers, users } from '../db/schema.ts';
import { ApiError, conflict, forbidden, invalid, notFound } from '../lib/errors.ts';
import { newId, randomBase32 } from '../lib/ids.ts';
import { assertNotArchived, loadMemberChannel, loadVisibleChannel } from './access.ts';
import type { Actor, ChatContext } from './context.ts';
import { appendEvents, type ChannelEvent } from './events.ts';
import { checkName } from './rules.ts';
import { toChannelView, toUserView, type ChannelView, type UserView } from './views.ts';

export interface ChannelListItem extends ChannelView {
  isMember: boolean;
  lastReadSeq: number;
  unreadCount: number;
}

/** A change's outcome: what it produced and the events it appended (to publish after commit). */
export interface Changed<T> {
  value: T;
  events: ChannelEvent[];
}

/** The channels the actor can see (public ones and those they are in), with unread counts. */
export async function listChannels(ctx: ChatContext, actor: Actor): Promise<ChannelListItem[]> {
  const rows = await ctx.db.read.all<Record<string, unknown>>(sql`
    select c.id, c.name, c.kind, c.topic, c.is_private, c.archived_at, c.created_by,
           c.created_at, c.head_seq,
           m.user_id is not null as is_member,
           coalesce(r.last_read_seq, 0) as last_read_seq,
           case when m.user_id is null then 0 else (
             select count(*) from messages x
             where x.channel_id = c.id and x.seq > coalesce(r.last_read_seq, 0)
               and x.deleted_at is null and x.thread_id is null
           ) end as unread_count
    from channels c
    left join channel_members m on m.channel_id = c.id and m.user_id = ${actor.userId}
    left join read_markers r on r.channel_id = c.id and r.user_id = ${actor.userId}
    where c.is_private = 0 or m.user_id is not null
    order by c.kind, c.name`);
  return rows.map((r) => ({
    ...toChannelView({
      id: r.id as string,
      name: r.name as string,
      kind: r.kind as 'channel' | 'dm',
      topic: r.topic as string,
      isPrivate: Boolean(r.is_private),
      archivedAt: (r.archived_at as number | null) ?? null,
      createdBy: (r.created_by as string | null) ?? null,
      createdAt: Number(r.created_at),
      headSeq: Number(r.head_seq),
      dmKey: null,
      externalId: null,
    }),
    isMember: Boolean(r.is_member),
    lastReadSeq: Number(r.last_read_seq),
    unreadCount: Number(r.unread_count),
  }));
}

export async function getChannel(
  ctx: ChatContext,
  actor: Actor,
  channelId: string,
): Promise<ChannelView & { isMember: boolean }> {
  const access = await loadVisibleChannel(ctx.db.read, actor, channelId);
  return { ...toChannelView(access.channel), isMember: access.isMember };
}

async function nameIsFree(tx: Tx, name: string): Promise<boolean> {
  const rows = await tx.select({ id: channels.id }).from(channels).where(eq(channels.name, name));
  return rows.length === 0;
}

export interface CreateChannelInput {
  name: string;
  topic?: string;
  isPrivate?: boolean;
}

/** Creates a channel with the actor as its first member. */
export async function createChannel(
  ctx: ChatContext,
  actor: Actor,
  input: CreateChannelInput,
): Promise<Changed<ChannelView>> {
  const name = checkName(input.name);
  const at = ctx.now();
  const row = {
    id: newId('ch', at),
    name,
    kind: 'channel' as const,
    topic: (input.topic ?? '').trim(),
    isPrivate: input.isPrivate ?? false,
    archivedAt: null,
    createdBy: actor.userId,
    createdAt: at,
    headSeq: 0,
    dmKey: null,
    externalId: null,
  };
  const result = await ctx.db.write(async (tx) => {
    if (!(await nameIsFree(tx, name))) return null;
    await tx.insert(channels).values(row);
    await tx
      .insert(channelMembers)
      .values({ channelId: row.id, userId: actor.userId, joinedAt: at });
    const events = await appendEvents(
      tx,
      row.id,
      actor.userId,
      [{ type: 'member.joined', data: { userId: actor.userId } }],
      at,
    );
    return { events };
  });
  if (!result) throw conflict('name_taken', `a channel named '${name}' exists already`);
  return { value: toChannelView({ ...row, headSeq: 1 }), events: result.events };
}

export interface UpdateChannelInput {
  name?: string;
  topic?: string;
  archived?: boolean;
}

/** Renames, sets the topic, archives or unarchives. Members (or an admin) only. */
export async function updateChannel(
  ctx: ChatContext,
  actor: Actor,
  channelId: string,
  input: UpdateChannelInput,
): Promise<Changed<ChannelView>> {
  const name = input.name === undefined ? undefined : checkName(input.name);
  const at = ctx.now();
  return ctx.db.write(async (tx) => {
    const access = await loadVisibleChannel(tx, actor, channelId);
    if (!access.isMember && !actor.isAdmin) throw forbidden('only members can change a channel');
    const channel = access.channel;
    if (channel.kind === 'dm' && name !== undefined) {
      throw new ApiError(409, 'dm_fixed', 'a direct conversation cannot be renamed');
    }
    const touchesContent = name !== undefined || input.topic !== undefined;
    if (touchesContent && channel.archivedAt != null && input.archived !== false) {
      assertNotArchived(channel);
    }
    const patch: Partial<typeof channels.$inferInsert> = {};
    if (name !== undefined && name !== channel.name) {
      if (!(await nameIsFree(tx, name))) {
        throw conflict('name_taken', `a channel named '${name}' exists already`);
      }
      patch.name = name;
    }
    if (input.topic !== undefined) patch.topic = input.topic.trim().slice(0, 250);
    if (input.archived !== undefined && input.archived !== (channel.archivedAt != null)) {
      patch.archivedAt = input.archived ? at : null;
    }
    if (Object.keys(patch).length === 0) return { value: toChannelView(channel), events: [] };
    await tx.update(channels).set(patch).where(eq(channels.id, channelId));
    const updated = { ...channel, ...patch, headSeq: channel.headSeq + 1 };
    const view = toChannelView(updated);
    const events = await appendEvents(
      tx,
      channelId,
      actor.userId,
      [{ type: 'channel.updated', data: { channel: view } }],
      at,
    );
    return { value: view, events };
  });
}

/**
 * Adds (`present`) or removes a membership and logs `member.joined` / `member.left` when that
 * changed anything; a no-op appends nothing.
 */
async function setMembership(
  tx: Tx,
  change: { channelId: string; userId: string; actorId: string; at: number },
  present: boolean,
): Promise<ChannelEvent[]> {
  const { channelId, userId, actorId, at } = change;
  const changed = present
    ? await tx
        .insert(channelMembers)
        .values({ channelId, userId, joinedAt: at })
        .onConflictDoNothing()
        .returning({ userId: channelMembers.userId })
    : await tx
        .delete(channelMembers)
        .where(and(eq(channelMembers.channelId, channelId), eq(channelMembers.userId, userId)))
        .returning({ userId: channelMembers.userId });
  if (changed.length === 0) return [];
  const type = present ? ('member.joined' as const) : ('member.left' as const);
  return appendEvents(tx, channelId, actorId, [{ type, data: { userId } }], at);
}

/** Joins a public channel; joining one you are in already changes nothing. */
export async function joinChannel(
  ctx: ChatContext,
  actor: Actor,
  channelId: string,
): Promise<Changed<null>> {
  const at = ctx.now();
  const events = await ctx.db.write(async (tx) => {
    const { channel, isMember } = await loadVisibleChannel(tx, actor, channelId);
    if (isMember) return [];
    assertNotArchived(channel);
    return setMembership(tx, { channelId, userId: actor.userId, actorId: actor.userId, at }, true);
  });
  return { value: null, events };
}

export async function leaveChannel(
  ctx: ChatContext,
  actor: Actor,
  channelId: string,
): Promise<Changed<null>> {
  const at = ctx.now();
  const events = await ctx.db.write(async (tx) => {
    const { channel, isMember } = await loadVisibleChannel(tx, actor, channelId);
    if (channel.kind === 'dm') {
      throw new ApiError(409, 'dm_fixed', 'a direct conversation has a fixed member set');
    }
    if (!isMember) return [];
    return setMembership(tx, { channelId, userId: actor.userId, actorId: actor.userId, at }, false);
  });
  return { value: null, events };
}

async function loadActiveUser(tx: Tx, userId: string) {
  const [user] = await tx.select().from(users).where(eq(users.id, userId));
  if (!user || user.deactivatedAt != null) throw notFound('user');
  return user;
}

/** Adds someone to a channel the actor is a member of. */
export async function addMember(
  ctx: ChatContext,
  actor: Actor,
  channelId: string,
  userId: string,
): Promise<Changed<null>> {
  const at = ctx.now();
  const events = await ctx.db.write(async (tx) => {
    const channel = await loadMemberChannel(tx, actor, channelId);
    if (channel.kind === 'dm') {
      throw new ApiError(409, 'dm_fixed', 'a direct conversation has a fixed member set');
    }
    assertNotArchived(channel);
    await loadActiveUser(tx, userId);
    return setMembership(tx, { channelId, userId, actorId: actor.userId, at }, true);
  });
  return { value: null, events };
}

/**
 * Removes someone from a channel. In a private channel any member may; in a public one only an
 * admin (anyone may leave by themselves).
 */
export async function removeMember(
  ctx: ChatContext,
  actor: Actor,
  channelId: string,
  userId: string,
): Promise<Changed<null>> {
  const at = ctx.now();
  const events = await ctx.db.write(async (tx) => {
    const access = await loadVisibleChannel(tx, actor, channelId);
    const { channel } = access;
    if (channel.kind === 'dm') {
      throw new ApiError(409, 'dm_fixed', 'a direct conversation has a fixed member set');
    }
    const allowed = channel.isPrivate ? access.isMember : actor.isAdmin || userId === actor.userId;
    if (!allowed) throw forbidden('you cannot remove members of this channel');
    const removed = await setMembership(
      tx,
      { channelId, userId, actorId: actor.userId, at },
      false,
    );
    if (removed.length === 0) throw notFound('member');
    return removed;
  });
  return { value: null, events };
}

export async function listMembers(
  ctx: ChatContext,
  actor: Actor,
  channelId: string,
): Promise<UserView[]> {
  await loadVisibleChannel(ctx.db.read, actor, channelId);
  const rows = await ctx.db.read
    .select({ user: users })
    .from(channelMembers)
    .innerJoin(users, eq(users.id, channelMembers.userId))
    .where(eq(channelMembers.channelId, channelId))
    .orderBy(asc(users.name));
  return rows.map((r) => toUserView(r.user));
}

/** The member ids of a channel, for access checks downstream (realtime, search). */
export async function memberIds(tx: Tx, channelId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: channelMembers.userId })
    .from(channelMembers)
    .where(eq(channelMembers.channelId, channelId));
  return rows.map((r) => r.userId);
}

/** The ids of the channels a user is a member of. */
export async function memberChannelIds(ctx: ChatContext, userId: string): Promise<string[]> {
  const rows = await ctx.db.read
    .select({ channelId: channelMembers.channelId })
    .from(channelMembers)
    .where(eq(channelMembers.userId, userId));
  return rows.map((r) => r.channelId);
}

/** The ids of every channel the actor can read: public ones and the private ones they are in. */
export async function readableChannelIds(ctx: ChatContext, actor: Actor): Promise<string[]> {
  const rows = await ctx.db.read.all<{ id: string }>(sql`
    select c.id from channels c
    left join channel_members m on m.channel_id = c.id and m.user_id = ${actor.userId}
    where c.is_private = 0 or m.user_id is not null`);
  return rows.map((r) => r.id);
}

export const maxDmMembers = 9;

/** Returns the direct conversation of exactly these people (and the actor), creating it once. */
export async function openDm(
  ctx: ChatContext,
  actor: Actor,
  userIds: string[],
): Promise<Changed<ChannelView> & { created: boolean }> {
  const ids = [...new Set([...userIds, actor.userId])].sort();
  if (ids.length > maxDmMembers) {
    throw invalid(`a direct conversation has at most ${maxDmMembers} people`, {
      field: 'userIds',
    });
  }
  const dmKey = ids.join(',');
  const at = ctx.now();
  return ctx.db.write(async (tx) => {
    const [existing] = await tx.select().from(channels).where(eq(channels.dmKey, dmKey));
    if (existing) return { value: toChannelView(existing), events: [], created: false };
    const found = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(inArray(users.id, ids), isNull(users.deactivatedAt)));
    if (found.length !== ids.length) throw notFound('user');
    const row = {
      id: newId('ch', at),
      name: `dm-${randomBase32(16)}`,
      kind: 'dm' as const,
      topic: '',
      isPrivate: true,
      archivedAt: null,
      createdBy: actor.userId,
      createdAt: at,
      headSeq: 0,
      dmKey,
      externalId: null,
    };
    await tx.insert(channels).values(row);
    await tx
      .insert(channelMembers)
      .values(ids.map((userId) => ({ channelId: row.id, userId, joinedAt: at })));
    const events = await appendEvents(
      tx,
      row.id,
      actor.userId,
      ids.map((userId) => ({ type: 'member.joined' as const, data: { userId } })),
      at,
    );
    return { value: toChannelView({ ...row, headSeq: ids.length }), events, created: true };
  });
}

/** Moves the actor's read marker in a channel they are in; back is allowed, past the head not. */
export async function markRead(
  ctx: ChatContext,
  actor: Actor,
  channelId: string,
  seq: number,
): Promise<{ lastReadSeq: number }> {
  return ctx.db.write(async (tx) => {
    const channel = await loadMemberChannel(tx, actor, channelId);
    if (seq > channel.headSeq) {
      throw new ApiError(422, 'seq_out_of_range', `seq ${seq} is past the channel's head`, {
        field: 'seq',
        headSeq: channel.headSeq,
      });
    }
    const lastReadSeq = seq;
    await tx
      .insert(readMarkers)
      .values({ userId: actor.userId, channelId, lastReadSeq })
      .onConflictDoUpdate({
        target: [readMarkers.userId, readMarkers.channelId],
        set: { lastReadSeq },
      });
    return { lastReadSeq };
  });
}
