import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { channels, consumerCursors, messages } from '../db/schema.ts';
import { toMessageView } from '../chat/views.ts';
import type { IndexDelete, IndexDocument } from './contract.ts';
import { isIndexable, toIndexDocument } from './documents.ts';
import { searchConsumer } from './indexer.ts';
import type { SearchOrigin } from './origin-client.ts';

export interface RebuildProgress {
  done: number;
  total: number;
  channels: number;
}

export interface RebuildOptions {
  db: Database;
  origin: Pick<SearchOrigin, 'upsert' | 'delete' | 'prune'>;
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Stops the rebuild between batches (it rejects with the signal's reason). */
  signal?: AbortSignal;
}

export interface RebuildSummary {
  channels: number;
  messages: number;
  indexed: number;
  tombstones: number;
  ms: number;
}

/**
 * Rebuilds the index from the database, channel by channel, without a window where search
 * comes up empty. Each channel's messages are written at the channel's head seq (read before
 * the messages, so every row is at least that new); documents the live indexer wrote later
 * stay, since newer versions win. Then whatever the rebuild did not rewrite is pruned, and the
 * cursor moves to the head, so the live indexer continues from there.
 */
export async function rebuildSearchIndex(options: RebuildOptions): Promise<RebuildSummary> {
  const { db, origin } = options;
  const batchSize = options.batchSize ?? 1000;
  const started = Date.now();
  const [count] = await db.read.all<{ n: number }>(sql`select count(*) as n from messages`);
  const total = Number(count?.n ?? 0);
  const channelRows = await db.read
    .select({ id: channels.id })
    .from(channels)
    .orderBy(asc(channels.id));
  const summary: RebuildSummary = { channels: 0, messages: 0, indexed: 0, tombstones: 0, ms: 0 };

  for (const { id: channelId } of channelRows) {
    const [head] = await db.read
      .select({ headSeq: channels.headSeq })
      .from(channels)
      .where(eq(channels.id, channelId));
    const version = head?.headSeq ?? 0;
    if (version < 1) continue;
    let after = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const rows = await db.read
        .select()
        .from(messages)
        .where(and(eq(messages.channelId, channelId), gt(messages.seq, after)))
        .orderBy(asc(messages.seq))
        .limit(batchSize);
      if (rows.length === 0) break;
      const upserts: IndexDocument[] = [];
      const deletes: IndexDelete[] = [];
      for (const row of rows) {
        const view = toMessageView(row);
        if (view.deleted) deletes.push({ id: row.id, channelId, version });
        else if (isIndexable(view)) upserts.push(toIndexDocument(view, version));
      }
      await origin.upsert(upserts);
      await origin.delete(deletes);
      summary.messages += rows.length;
      summary.indexed += upserts.length;
      summary.tombstones += deletes.length;
      after = rows[rows.length - 1]!.seq;
      options.onProgress?.({ done: summary.messages, total, channels: summary.channels });
    }
    await origin.prune({ channelId, belowVersion: version });
    const at = Date.now();
    await db.write((tx) =>
      tx
        .insert(consumerCursors)
        .values({ consumer: searchConsumer, channelId, seq: version, updatedAt: at })
        .onConflictDoUpdate({
          target: [consumerCursors.consumer, consumerCursors.channelId],
          set: { seq: sql`max(${consumerCursors.seq}, excluded.seq)`, updatedAt: at },
        }),
    );
    summary.channels += 1;
  }
  summary.ms = Date.now() - started;
  options.onProgress?.({ done: summary.messages, total, channels: summary.channels });
  return summary;
}
