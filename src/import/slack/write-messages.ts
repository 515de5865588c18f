import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Database, Tx } from '../../db/database.ts';
import { events, messages, reactions } from '../../db/schema.ts';
import { reserveSeqs } from '../../chat/events.ts';
import { toMessageView } from '../../chat/views.ts';
import { newId } from '../../lib/ids.ts';
import { chunkArray, insertInBatches, maxInListSize } from './batch.ts';
import type { PlannedMessage } from './plan-messages.ts';
import { emptyCounts, type ImportCounts } from './summary.ts';
import type { KnownUser } from './users.ts';

type MessageRow = typeof messages.$inferSelect;
type EventRow = typeof events.$inferInsert;
type ReactionRow = typeof reactions.$inferInsert;

/** A message's place in stek, by the Slack ts it was imported from. */
interface Placed {
  id: string;
  threadId: string | null;
}

/** What writing a conversation carries from one chunk to the next. */
export interface ConversationWriter {
  channelId: string;
  channelExternalId: string;
  /** False when this run created the channel: then no message of it can exist already. */
  mayHaveMessages: boolean;
  /** Every message written or found so far, by ts key. */
  placed: Map<string, Placed>;
}

export interface ChunkResult {
  created: ImportCounts;
  existing: ImportCounts;
}

/** The client id that finds an imported message again: stable across runs. */
export function slackClientMsgId(channelExternalId: string, tsKey: string): string {
  return `slack:${channelExternalId}:${tsKey}`;
}

function tsKeyOf(clientMsgId: string): string {
  return clientMsgId.slice(clientMsgId.lastIndexOf(':') + 1);
}

/** Looks up which of the chunk's messages an earlier run imported, by author and client id. */
async function findImported(
  tx: Tx,
  writer: ConversationWriter,
  chunk: Array<{ authorId: string; clientMsgId: string }>,
): Promise<Map<string, Placed>> {
  const found = new Map<string, Placed>();
  const byAuthor = new Map<string, string[]>();
  for (const { authorId, clientMsgId } of chunk) {
    let ids = byAuthor.get(authorId);
    if (!ids) byAuthor.set(authorId, (ids = []));
    ids.push(clientMsgId);
  }
  for (const [authorId, ids] of byAuthor) {
    for (const part of chunkArray(ids, maxInListSize)) {
      // Author first, so the lookup runs on the (author, client id) unique index.
      const rows = await tx
        .select({ id: messages.id, threadId: messages.threadId, clientMsgId: messages.clientMsgId })
        .from(messages)
        .where(
          and(
            eq(messages.authorId, authorId),
            isNotNull(messages.clientMsgId),
            inArray(messages.clientMsgId, part),
            eq(messages.channelId, writer.channelId),
          ),
        );
      for (const row of rows) found.set(tsKeyOf(row.clientMsgId!), row);
    }
  }
  return found;
}

/** Roots of replies that neither this export nor this run has seen, from an earlier run. */
async function findRoots(tx: Tx, writer: ConversationWriter, tsKeys: string[]) {
  const found = new Map<string, Placed>();
  for (const part of chunkArray(tsKeys, maxInListSize)) {
    const rows = await tx
      .select({ id: messages.id, threadId: messages.threadId, clientMsgId: messages.clientMsgId })
      .from(messages)
      .where(
        and(
          eq(messages.channelId, writer.channelId),
          inArray(
            messages.clientMsgId,
            part.map((key) => slackClientMsgId(writer.channelExternalId, key)),
          ),
        ),
      );
    for (const row of rows) found.set(tsKeyOf(row.clientMsgId!), row);
  }
  return found;
}

function reactionData(row: ReactionRow) {
  return { messageId: row.messageId, userId: row.userId, emoji: row.emoji };
}

function countKind(counts: ImportCounts, subtype: string | null, threadId: string | null): void {
  if (subtype === 'system') counts.system += 1;
  else if (threadId) counts.replies += 1;
  else counts.messages += 1;
}

/**
 * Writes one chunk of a conversation's messages (in ts order) in one transaction: the message
 * rows, their reactions, and each one's events at the channel's next seqs, with thread roots'
 * reply counts brought up to date. Messages an earlier run imported are left alone, except that
 * reactions they lack are added.
 */
export async function writeMessageChunk(
  db: Database,
  writer: ConversationWriter,
  chunk: PlannedMessage[],
  users: Map<string, KnownUser>,
): Promise<ChunkResult> {
  const userId = (ref: string) => users.get(ref)!.id;
  const keyed = chunk.map((planned) => ({
    planned,
    authorId: userId(planned.authorRef),
    clientMsgId: slackClientMsgId(writer.channelExternalId, planned.ts.key),
  }));

  const outcome = await db.write(async (tx) => {
    const created = emptyCounts();
    const existing = emptyCounts();
    const imported = writer.mayHaveMessages
      ? await findImported(tx, writer, keyed)
      : new Map<string, Placed>();
    const chunkKeys = new Set(chunk.map((m) => m.ts.key));
    const unseenRoots = [
      ...new Set(
        chunk
          .map((m) => m.threadTs)
          .filter((key): key is string => key !== null)
          .filter((key) => !writer.placed.has(key) && !chunkKeys.has(key)),
      ),
    ];
    const earlierRoots =
      writer.mayHaveMessages && unseenRoots.length > 0
        ? await findRoots(tx, writer, unseenRoots)
        : new Map<string, Placed>();

    // Reactions an earlier run's messages lack; their events need seqs, so they go in first.
    const missingReactions: ReactionRow[] = [];
    for (const { planned } of keyed) {
      const found = imported.get(planned.ts.key);
      if (!found) continue;
      for (const r of planned.reactions) {
        missingReactions.push({
          messageId: found.id,
          userId: userId(r.userRef),
          emoji: r.emoji,
          createdAt: planned.createdAt,
        });
      }
    }
    const addedToExisting = new Map<string, ReactionRow[]>();
    for (const part of chunkArray(missingReactions, Math.floor(maxInListSize / 2))) {
      const added = await tx.insert(reactions).values(part).onConflictDoNothing().returning();
      for (const row of added) {
        let list = addedToExisting.get(row.messageId);
        if (!list) addedToExisting.set(row.messageId, (list = []));
        list.push(row);
      }
    }
    existing.reactions = missingReactions.length;

    let eventCount = 0;
    for (const { planned } of keyed) {
      const found = imported.get(planned.ts.key);
      eventCount += found
        ? (addedToExisting.get(found.id)?.length ?? 0)
        : 1 + planned.reactions.length;
    }
    let seq = eventCount > 0 ? await reserveSeqs(tx, writer.channelId, eventCount) : 0;

    const placedNow = new Map<string, Placed>();
    const rowsById = new Map<string, MessageRow>();
    const messageRows: MessageRow[] = [];
    const eventRows: EventRow[] = [];
    const reactionRows: ReactionRow[] = [];
    const laterRootBumps = new Map<string, { count: number; lastReplyAt: number }>();
    const event = (type: string, actorId: string, data: unknown, createdAt: number) =>
      eventRows.push({
        channelId: writer.channelId,
        seq: seq++,
        type,
        actorId,
        data: JSON.stringify(data),
        createdAt,
      });

    for (const { planned, authorId, clientMsgId } of keyed) {
      const found = imported.get(planned.ts.key);
      if (found) {
        placedNow.set(planned.ts.key, found);
        countKind(existing, planned.subtype, found.threadId);
        for (const row of addedToExisting.get(found.id) ?? []) {
          event('reaction.added', row.userId, reactionData(row), row.createdAt!);
          created.reactions += 1;
          existing.reactions -= 1;
        }
        continue;
      }

      const rootTs = planned.threadTs;
      const root = rootTs
        ? (placedNow.get(rootTs) ?? writer.placed.get(rootTs) ?? earlierRoots.get(rootTs))
        : undefined;
      // A reply whose root is missing from the export stands on its own.
      const threadId = root ? (root.threadId ?? root.id) : null;
      const row: MessageRow = {
        id: newId('msg', planned.createdAt),
        channelId: writer.channelId,
        seq: 0,
        authorId,
        text: planned.text,
        subtype: planned.subtype,
        threadId,
        replyCount: 0,
        lastReplyAt: null,
        clientMsgId,
        createdAt: planned.createdAt,
        editedAt: planned.editedAt,
        deletedAt: planned.deleted ? planned.createdAt : null,
      };
      row.seq = seq;
      event('message.created', authorId, { message: toMessageView(row) }, row.createdAt);
      messageRows.push(row);
      rowsById.set(row.id, row);
      placedNow.set(planned.ts.key, { id: row.id, threadId });
      countKind(created, planned.subtype, threadId);

      if (threadId && !planned.deleted) {
        const rootRow = rowsById.get(threadId);
        if (rootRow) {
          rootRow.replyCount += 1;
          rootRow.lastReplyAt = Math.max(rootRow.lastReplyAt ?? 0, row.createdAt);
        } else {
          const bump = laterRootBumps.get(threadId) ?? { count: 0, lastReplyAt: 0 };
          bump.count += 1;
          bump.lastReplyAt = Math.max(bump.lastReplyAt, row.createdAt);
          laterRootBumps.set(threadId, bump);
        }
      }
      for (const r of planned.reactions) {
        const reaction = {
          messageId: row.id,
          userId: userId(r.userRef),
          emoji: r.emoji,
          createdAt: row.createdAt,
        };
        reactionRows.push(reaction);
        event('reaction.added', reaction.userId, reactionData(reaction), row.createdAt);
        created.reactions += 1;
      }
    }

    await insertInBatches(messageRows, 13, (batch) => tx.insert(messages).values(batch));
    await insertInBatches(reactionRows, 4, (batch) => tx.insert(reactions).values(batch));
    await insertInBatches(eventRows, 6, (batch) => tx.insert(events).values(batch));
    for (const [rootId, bump] of laterRootBumps) {
      await tx
        .update(messages)
        .set({
          replyCount: sql`${messages.replyCount} + ${bump.count}`,
          lastReplyAt: sql`max(coalesce(${messages.lastReplyAt}, 0), ${bump.lastReplyAt})`,
        })
        .where(eq(messages.id, rootId));
    }
    return { created, existing, placedNow };
  });

  // Only once committed do later chunks get to thread onto these messages.
  for (const [key, placed] of outcome.placedNow) writer.placed.set(key, placed);
  return { created: outcome.created, existing: outcome.existing };
}
