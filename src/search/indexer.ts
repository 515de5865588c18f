import { inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { consumerCursors, messages } from '../db/schema.ts';
import { readEvents, type ChannelEvent } from '../chat/events.ts';
import { toMessageView } from '../chat/views.ts';
import type { IndexDelete, IndexDocument } from './contract.ts';
import { isIndexable, toIndexDocument } from './documents.ts';
import type { SearchOrigin } from './origin-client.ts';

/** The consumer name of the search indexer in `consumer_cursors`. */
export const searchConsumer = 'search';

export type IndexerLogFn = (entry: Record<string, unknown>) => void;

export interface SearchIndexerOptions {
  db: Database;
  origin: Pick<SearchOrigin, 'upsert' | 'delete'>;
  /** Events read per page and documents sent per origin call. */
  batchSize?: number;
  log?: IndexerLogFn;
  /** How long a nudge waits so that a burst of commits becomes one run. */
  nudgeDelayMs?: number;
  /** Longest wait between retries while the origin is down. */
  maxBackoffMs?: number;
}

export interface IndexRunSummary {
  channels: number;
  events: number;
  upserts: number;
  deletes: number;
}

export interface SearchIndexer {
  /** Indexes every channel up to its log head; rejects when the origin fails (cursors stay). */
  runOnce(): Promise<IndexRunSummary>;
  /** Asks for a run soon; bursts coalesce. Never rejects; resolves after that run. */
  nudge(): Promise<void>;
  /** Runs every `intervalMs` (and on nudges), backing off while the origin is down. */
  start(options?: { intervalMs?: number }): void;
  stop(): Promise<void>;
}

type Action = { kind: 'upsert'; doc: IndexDocument } | { kind: 'delete'; del: IndexDelete };

/** Collects one batch: the newest action per message, thread roots to mark, cursor targets. */
class Batch {
  readonly actions = new Map<string, Action>();
  /** Root id → the seq of the newest reply seen for it in this batch. */
  readonly roots = new Map<string, number>();
  readonly cursors = new Map<string, number>();
  events = 0;

  get size(): number {
    return this.actions.size + this.roots.size;
  }

  put(id: string, version: number, action: Action): void {
    const current = this.actions.get(id);
    const currentVersion = current
      ? current.kind === 'upsert'
        ? current.doc.version
        : current.del.version
      : 0;
    if (version > currentVersion) this.actions.set(id, action);
  }

  add(event: ChannelEvent): void {
    this.events += 1;
    this.cursors.set(event.channelId, Math.max(this.cursors.get(event.channelId) ?? 0, event.seq));
    switch (event.type) {
      case 'message.created':
      case 'message.edited': {
        const message = event.data.message;
        if (!isIndexable(message)) return;
        this.put(message.id, event.seq, {
          kind: 'upsert',
          doc: toIndexDocument(message, event.seq),
        });
        if (event.type === 'message.created' && message.threadId) {
          const seen = this.roots.get(message.threadId) ?? 0;
          this.roots.set(message.threadId, Math.max(seen, event.seq));
        }
        return;
      }
      case 'message.deleted': {
        const del = { id: event.data.messageId, channelId: event.channelId, version: event.seq };
        this.put(del.id, event.seq, { kind: 'delete', del });
        return;
      }
      default:
        // Membership and channel changes need no documents: access is decided per query from
        // the readable-channel set, and channel names are looked up at the edge.
        return;
    }
  }
}

/**
 * Keeps the search index in step with the per-channel event logs. For each channel whose head
 * is past the `search` cursor, it reads events, sends upserts and deletes (version = event
 * seq, so replays are harmless: the index keeps the newest), and moves the cursor only after
 * the origin acknowledged. At-least-once delivery plus newest-wins gives an exact index.
 */
export function createSearchIndexer(options: SearchIndexerOptions): SearchIndexer {
  const { db, origin, log } = options;
  const batchSize = options.batchSize ?? 500;
  const nudgeDelayMs = options.nudgeDelayMs ?? 10;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;

  async function markRoots(batch: Batch): Promise<void> {
    if (batch.roots.size === 0) return;
    // A root becomes a thread when its first reply arrives, and no event of its own says so.
    // Its current row is at least as new as the reply, so it is indexed at the reply's seq.
    const rows = await db.read
      .select()
      .from(messages)
      .where(inArray(messages.id, [...batch.roots.keys()]));
    for (const row of rows) {
      const view = toMessageView(row);
      if (!isIndexable(view)) continue;
      const version = batch.roots.get(row.id)!;
      batch.put(row.id, version, { kind: 'upsert', doc: toIndexDocument(view, version, true) });
    }
  }

  async function flush(batch: Batch, summary: IndexRunSummary): Promise<void> {
    if (batch.cursors.size === 0) return;
    await markRoots(batch);
    const upserts: IndexDocument[] = [];
    const deletes: IndexDelete[] = [];
    for (const action of batch.actions.values()) {
      if (action.kind === 'upsert') upserts.push(action.doc);
      else deletes.push(action.del);
    }
    await origin.upsert(upserts);
    await origin.delete(deletes);

    const at = Date.now();
    const rows = [...batch.cursors].map(([channelId, seq]) => ({
      consumer: searchConsumer,
      channelId,
      seq,
      updatedAt: at,
    }));
    await db.write((tx) =>
      tx
        .insert(consumerCursors)
        .values(rows)
        .onConflictDoUpdate({
          target: [consumerCursors.consumer, consumerCursors.channelId],
          set: { seq: sql`max(${consumerCursors.seq}, excluded.seq)`, updatedAt: at },
        }),
    );
    summary.events += batch.events;
    summary.upserts += upserts.length;
    summary.deletes += deletes.length;
  }

  async function pass(): Promise<IndexRunSummary> {
    const behind = await db.read.all<{ id: string; head_seq: number; cursor: number }>(sql`
      select c.id, c.head_seq, coalesce(cc.seq, 0) as cursor
      from channels c
      left join consumer_cursors cc on cc.channel_id = c.id and cc.consumer = ${searchConsumer}
      where c.head_seq > coalesce(cc.seq, 0)`);
    const summary: IndexRunSummary = { channels: behind.length, events: 0, upserts: 0, deletes: 0 };
    let batch = new Batch();
    for (const channel of behind) {
      let after = Number(channel.cursor);
      const head = Number(channel.head_seq);
      while (after < head) {
        const events = await readEvents(db.read, channel.id, after, batchSize);
        if (events.length === 0) break;
        for (const event of events) batch.add(event);
        after = events[events.length - 1]!.seq;
        if (batch.size >= batchSize || batch.events >= batchSize * 4) {
          await flush(batch, summary);
          batch = new Batch();
        }
      }
    }
    await flush(batch, summary);
    return summary;
  }

  let current: Promise<IndexRunSummary> | null = null;
  let queued: Promise<IndexRunSummary> | null = null;

  function runOnce(): Promise<IndexRunSummary> {
    if (!current) {
      current = pass().finally(() => {
        current = null;
      });
      return current;
    }
    // A run is under way and may have read its channel list before the caller's commit: run
    // once more after it, shared by everyone who asks meanwhile.
    queued ??= current
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return runOnce();
      });
    return queued;
  }

  let failures = 0;
  let retryAt = 0;
  let looping = false;
  let intervalMs = 1000;
  let loopTimer: ReturnType<typeof setTimeout> | undefined;
  let soon: Promise<void> | null = null;

  function unref(timer: ReturnType<typeof setTimeout>): void {
    (timer as unknown as { unref?: () => void }).unref?.();
  }

  async function runGuarded(): Promise<void> {
    try {
      const summary = await runOnce();
      if (failures > 0) log?.({ level: 'info', msg: 'search indexing recovered', after: failures });
      failures = 0;
      retryAt = 0;
      if (summary.events > 0) log?.({ level: 'debug', msg: 'search indexed', ...summary });
    } catch (err) {
      failures += 1;
      const delay = Math.min(maxBackoffMs, 250 * 2 ** Math.min(failures, 10));
      retryAt = Date.now() + delay;
      log?.({
        level: 'warn',
        msg: 'search indexing failed; will retry',
        attempt: failures,
        retryInMs: delay,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  function scheduleLoop(): void {
    if (!looping) return;
    clearTimeout(loopTimer);
    const wait = failures > 0 ? Math.max(0, retryAt - Date.now()) : intervalMs;
    loopTimer = setTimeout(async () => {
      await runGuarded();
      scheduleLoop();
    }, wait);
    unref(loopTimer);
  }

  return {
    runOnce,
    nudge() {
      // While backing off, the retry timer is in charge; a nudge would only hammer a dead origin.
      if (Date.now() < retryAt) return Promise.resolve();
      soon ??= new Promise<void>((resolve) => {
        setTimeout(() => {
          soon = null;
          void runGuarded().then(resolve);
        }, nudgeDelayMs);
      });
      return soon;
    },
    start(startOptions = {}) {
      intervalMs = startOptions.intervalMs ?? intervalMs;
      looping = true;
      scheduleLoop();
    },
    async stop() {
      looping = false;
      clearTimeout(loopTimer);
      await current?.catch(() => undefined);
    },
  };
}

/** An `AppDeps.onEvents` hook that nudges the indexer when messages changed. */
export function createSearchNudge(indexer: Pick<SearchIndexer, 'nudge'>) {
  return async function nudgeSearch(events: ChannelEvent[]): Promise<void> {
    if (events.some((e) => e.type.startsWith('message.'))) await indexer.nudge();
  };
}
