import { and, asc, desc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import { messages, reactions, readMarkers } from '../db/schema.ts';
import { ApiError, forbidden, notFound } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { assertNotArchived, loadMemberChannel, loadVisibleChannel } from './access.ts';
import type { Changed } from './channels.ts';
import type { Actor, ChatContext } from './context.ts';
import { appendEvents, readEvents, reserveSeqs, type ChannelEvent } from './events.ts';
import { readQuery } from './read-queries.ts';
import { checkEmoji, normalizeText } from './rules.ts';
import { toMessageView, type MessageView, type ReactionSummary } from './views.ts';

type MessageRow = typeof messages.$inferSelect;

export const maxPageSize = 200;

/** Summarizes the reactions of many messages in one query. */
async function reactionsFor(tx: Tx, ids: string[]): Promise<Map<string, ReactionSummary[]>> {
  const byMessage = new Map<string, ReactionSummary[]>();
  if (ids.length === 0) return byMessage;
  const rows = await readQuery(tx, 'reactionsOf').all({ ids: JSON.stringify(ids) });
  for (const row of rows) {
    let list = byMessage.get(row.messageId);
    if (!list) byMessage.set(row.messageId, (list = []));
    let summary = list.find((s) => s.emoji === row.emoji);
    if (!summary) list.push((summary = { emoji: row.emoji, count: 0, userIds: [] }));
    summary.count += 1;
    summary.userIds.push(row.userId);
  }
  return byMessage;
}

async function toViews(tx: Tx, rows: MessageRow[]): Promise<MessageView[]> {
  const byMessage = await reactionsFor(
    tx,
    rows.filter((r) => r.deletedAt == null).map((r) => r.id),
  );
  return rows.map((row) => toMessageView(row, byMessage.get(row.id)));
}

async function toView(tx: Tx, row: MessageRow): Promise<MessageView> {
  const [view] = await toViews(tx, [row]);
  return view!;
}

async function findMessage(tx: Tx, messageId: string): Promise<MessageRow | undefined> {
  const [row] = await tx.select().from(messages).where(eq(messages.id, messageId));
  return row;
}

/** Loads a message in a channel the actor can see; anything else is not found. */
async function loadVisibleMessage(tx: Tx, actor: Actor, messageId: string) {
  const row = await findMessage(tx, messageId);
  if (!row) throw notFound('message');
  const access = await loadVisibleChannel(tx, actor, row.channelId).catch((err: unknown) => {
    throw err instanceof ApiError && err.status === 404 ? notFound('message') : err;
  });
  return { row, ...access };
}

export interface PostMessageInput {
  text: string;
  threadId?: string;
  clientMsgId?: string;
}

export interface Posted extends Changed<MessageView> {
  /** False when `clientMsgId` matched an earlier post: `value` is that message, unchanged. */
  created: boolean;
}

/** Inserts a message row and its event inside a write; shared by posting and importing. */
export async function insertMessage(
  tx: Tx,
  row: Omit<MessageRow, 'seq' | 'replyCount' | 'lastReplyAt'> &
    Partial<Pick<MessageRow, 'replyCount' | 'lastReplyAt'>>,
): Promise<{ row: MessageRow; events: ChannelEvent[] }> {
  const seq = await reserveSeqs(tx, row.channelId, 1);
  const full: MessageRow = { replyCount: 0, lastReplyAt: null, ...row, seq };
  // Plain statements on the posting path: the query builder cost more than SQLite did.
  await tx.run(sql`insert into messages (id, channel_id, seq, author_id, text, subtype, thread_id,
      reply_count, last_reply_at, client_msg_id, created_at, edited_at, deleted_at)
    values (${full.id}, ${full.channelId}, ${full.seq}, ${full.authorId}, ${full.text},
      ${full.subtype}, ${full.threadId}, ${full.replyCount}, ${full.lastReplyAt},
      ${full.clientMsgId}, ${full.createdAt}, ${full.editedAt}, ${full.deletedAt})`);
  if (full.threadId) {
    await tx
      .update(messages)
      .set({
        replyCount: sql`${messages.replyCount} + 1`,
        lastReplyAt: sql`max(coalesce(${messages.lastReplyAt}, 0), ${full.createdAt})`,
      })
      .where(eq(messages.id, full.threadId));
  }
  const view = toMessageView(full);
  const events = await appendEvents(
    tx,
    full.channelId,
    full.authorId,
    [{ type: 'message.created', data: { message: view } }],
    full.createdAt,
    seq,
  );
  return { row: full, events };
}

/** Resolves the thread a reply belongs to: a reply to a reply joins the same thread. */
async function resolveThread(tx: Tx, channelId: string, threadId: string): Promise<string> {
  const root = await findMessage(tx, threadId);
  if (!root || root.channelId !== channelId) {
    throw new ApiError(
      404,
      'thread_not_found',
      'threadId does not name a message in this channel',
      {
        field: 'threadId',
      },
    );
  }
  return root.threadId ?? root.id;
}

/**
 * Posts a message. With a `clientMsgId` the actor used before, returns that message instead of
 * posting again; the unique index on (author, clientMsgId) guarantees it.
 */
export async function postMessage(
  ctx: ChatContext,
  actor: Actor,
  channelId: string,
  input: PostMessageInput,
): Promise<Posted> {
  const text = normalizeText(input.text);
  const clientMsgId = input.clientMsgId ?? null;
  const at = ctx.now();
  return ctx.db.write(async (tx) => {
    const channel = await loadMemberChannel(tx, actor, channelId);
    if (clientMsgId) {
      const [earlier] = await tx
        .select()
        .from(messages)
        .where(and(eq(messages.authorId, actor.userId), eq(messages.clientMsgId, clientMsgId)));
      if (earlier) {
        if (earlier.channelId !== channelId) {
          throw new ApiError(
            409,
            'client_msg_id_reused',
            'clientMsgId was used in another channel',
            {
              field: 'clientMsgId',
            },
          );
        }
        return { value: await toView(tx, earlier), events: [], created: false };
      }
    }
    assertNotArchived(channel);
    const threadId = input.threadId ? await resolveThread(tx, channelId, input.threadId) : null;
    const { row, events } = await insertMessage(tx, {
      id: newId('msg', at),
      channelId,
      authorId: actor.userId,
      text,
      subtype: null,
      threadId,
      clientMsgId,
      createdAt: at,
      editedAt: null,
      deletedAt: null,
    });
    // Posting in a channel means you have read it up to your own message.
    await tx.run(sql`insert into read_markers (user_id, channel_id, last_read_seq)
      values (${actor.userId}, ${channelId}, ${row.seq})
      on conflict (user_id, channel_id)
      do update set last_read_seq = max(last_read_seq, excluded.last_read_seq)`);
    return { value: toMessageView(row), events, created: true };
  });
}

export interface PageOptions {
  before?: number;
  after?: number;
  limit?: number;
}

export interface MessagePage {
  messages: MessageView[];
  /** Whether more messages lie further in the direction of travel. */
  hasMore: boolean;
}

/**
 * A page of a channel's history (thread replies excluded). Newest first, going back from
 * `before`; with `after`, oldest first going forward. Paging by seq never skips or repeats a
 * message while others post, since new messages only ever take higher seqs.
 */
export async function listMessages(
  ctx: ChatContext,
  actor: Actor,
  channelId: string,
  page: PageOptions,
): Promise<MessagePage> {
  const limit = Math.min(page.limit ?? 50, maxPageSize);
  const tx = ctx.db.read;
  await loadVisibleChannel(tx, actor, channelId);
  const forward = page.after !== undefined && page.before === undefined;
  const rows = forward
    ? await readQuery(tx, 'historyForward').all({ channelId, after: page.after!, limit: limit + 1 })
    : await readQuery(tx, 'historyBack').all({
        channelId,
        before: page.before ?? Number.MAX_SAFE_INTEGER,
        after: page.after ?? -1,
        limit: limit + 1,
      });
  const hasMore = rows.length > limit;
  return { messages: await toViews(tx, rows.slice(0, limit)), hasMore };
}

export async function getMessage(
  ctx: ChatContext,
  actor: Actor,
  messageId: string,
): Promise<MessageView> {
  const { row } = await loadVisibleMessage(ctx.db.read, actor, messageId);
  return toView(ctx.db.read, row);
}

/** The replies in a thread, oldest first, after `after`. */
export async function listReplies(
  ctx: ChatContext,
  actor: Actor,
  messageId: string,
  page: PageOptions,
): Promise<MessagePage & { root: MessageView }> {
  const limit = Math.min(page.limit ?? 50, maxPageSize);
  const tx = ctx.db.read;
  const { row } = await loadVisibleMessage(tx, actor, messageId);
  const rootId = row.threadId ?? row.id;
  const root = rootId === row.id ? row : await findMessage(tx, rootId);
  const conditions = [eq(messages.threadId, rootId)];
  if (page.after !== undefined) conditions.push(gt(messages.seq, page.after));
  if (page.before !== undefined) conditions.push(lt(messages.seq, page.before));
  const rows = await tx
    .select()
    .from(messages)
    .where(and(...conditions))
    .orderBy(asc(messages.seq))
    .limit(limit + 1);
  return {
    root: await toView(tx, root!),
    messages: await toViews(tx, rows.slice(0, limit)),
    hasMore: rows.length > limit,
  };
}

/** Edits a message's text. Only its author may, and not once it is deleted. */
export async function editMessage(
  ctx: ChatContext,
  actor: Actor,
  messageId: string,
  input: { text: string },
): Promise<Changed<MessageView>> {
  const text = normalizeText(input.text);
  const at = ctx.now();
  return ctx.db.write(async (tx) => {
    const { row, channel } = await loadVisibleMessage(tx, actor, messageId);
    if (row.authorId !== actor.userId) throw forbidden('only the author can edit a message');
    if (row.deletedAt != null) {
      throw new ApiError(409, 'message_deleted', 'the message was deleted');
    }
    assertNotArchived(channel);
    if (row.text === text) return { value: await toView(tx, row), events: [] };
    const [updated] = await tx
      .update(messages)
      .set({ text, editedAt: at })
      .where(eq(messages.id, messageId))
      .returning();
    const view = await toView(tx, updated!);
    const events = await appendEvents(
      tx,
      row.channelId,
      actor.userId,
      [{ type: 'message.edited', data: { message: view } }],
      at,
    );
    return { value: view, events };
  });
}

/** Deletes a message, leaving a tombstone; the author or an admin may. Deleting twice is fine. */
export async function deleteMessage(
  ctx: ChatContext,
  actor: Actor,
  messageId: string,
): Promise<Changed<MessageView>> {
  const at = ctx.now();
  return ctx.db.write(async (tx) => {
    const { row } = await loadVisibleMessage(tx, actor, messageId);
    if (row.authorId !== actor.userId && !actor.isAdmin) {
      throw forbidden('only the author or an admin can delete a message');
    }
    if (row.deletedAt != null) return { value: toMessageView(row), events: [] };
    // The text goes for real: a tombstone keeps only the message's place.
    const [updated] = await tx
      .update(messages)
      .set({ text: '', deletedAt: at })
      .where(eq(messages.id, messageId))
      .returning();
    await tx.delete(reactions).where(eq(reactions.messageId, messageId));
    if (row.threadId) {
      await tx
        .update(messages)
        .set({ replyCount: sql`max(${messages.replyCount} - 1, 0)` })
        .where(eq(messages.id, row.threadId));
    }
    const events = await appendEvents(
      tx,
      row.channelId,
      actor.userId,
      [{ type: 'message.deleted', data: { messageId, threadId: row.threadId } }],
      at,
    );
    return { value: toMessageView(updated!), events };
  });
}

/** Adds or removes the actor's reaction; doing what is done already changes nothing. */
export async function setReaction(
  ctx: ChatContext,
  actor: Actor,
  messageId: string,
  emojiInput: string,
  present: boolean,
): Promise<Changed<MessageView>> {
  const emoji = checkEmoji(emojiInput);
  const at = ctx.now();
  return ctx.db.write(async (tx) => {
    const { row, channel } = await loadVisibleMessage(tx, actor, messageId);
    await loadMemberChannel(tx, actor, row.channelId);
    assertNotArchived(channel);
    if (row.deletedAt != null) {
      throw new ApiError(409, 'message_deleted', 'the message was deleted');
    }
    const key = { messageId, userId: actor.userId, emoji };
    const changed = present
      ? await tx
          .insert(reactions)
          .values({ ...key, createdAt: at })
          .onConflictDoNothing()
          .returning({ emoji: reactions.emoji })
      : await tx
          .delete(reactions)
          .where(
            and(
              eq(reactions.messageId, messageId),
              eq(reactions.userId, actor.userId),
              eq(reactions.emoji, emoji),
            ),
          )
          .returning({ emoji: reactions.emoji });
    const events =
      changed.length === 0
        ? []
        : await appendEvents(
            tx,
            row.channelId,
            actor.userId,
            [{ type: present ? 'reaction.added' : 'reaction.removed', data: key }],
            at,
          );
    return { value: await toView(tx, row), events };
  });
}

/** A channel's log after `after`, with its head seq, for catch-up. */
export async function listEvents(
  ctx: ChatContext,
  actor: Actor,
  channelId: string,
  after: number,
  limit = 100,
): Promise<{ events: ChannelEvent[]; headSeq: number; hasMore: boolean }> {
  const tx = ctx.db.read;
  const { channel } = await loadVisibleChannel(tx, actor, channelId);
  const capped = Math.min(limit, 1000);
  const events = await readEvents(tx, channelId, after, capped);
  const last = events.at(-1)?.seq ?? after;
  return { events, headSeq: channel.headSeq, hasMore: last < channel.headSeq };
}
