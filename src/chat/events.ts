import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import { channels, events } from '../db/schema.ts';
import type { ChannelView, MessageView } from './views.ts';

/** Every change to a channel, as its log records it. */
export type EventPayload =
  | { type: 'message.created'; data: { message: MessageView } }
  | { type: 'message.edited'; data: { message: MessageView } }
  | { type: 'message.deleted'; data: { messageId: string; threadId: string | null } }
  | { type: 'reaction.added'; data: { messageId: string; userId: string; emoji: string } }
  | { type: 'reaction.removed'; data: { messageId: string; userId: string; emoji: string } }
  | { type: 'member.joined'; data: { userId: string } }
  | { type: 'member.left'; data: { userId: string } }
  | { type: 'channel.updated'; data: { channel: ChannelView } };

export type EventType = EventPayload['type'];

export type ChannelEvent = EventPayload & {
  channelId: string;
  seq: number;
  actorId: string | null;
  createdAt: string;
};

/** Reserves the next `count` seqs of a channel inside the current write; returns the first. */
export async function reserveSeqs(tx: Tx, channelId: string, count: number): Promise<number> {
  const [row] = await tx.all<{ head_seq: number }>(
    sql`update channels set head_seq = head_seq + ${count} where id = ${channelId} returning head_seq`,
  );
  if (!row) throw new Error(`channel ${channelId} vanished inside a write`);
  return Number(row.head_seq) - count + 1;
}

/**
 * Appends events to a channel's log in the current write, giving them the channel's next seqs.
 * `firstSeq` is for callers that reserved seqs already (a message takes its event's seq).
 */
export async function appendEvents(
  tx: Tx,
  channelId: string,
  actorId: string | null,
  payloads: EventPayload[],
  at: number,
  firstSeq?: number,
): Promise<ChannelEvent[]> {
  if (payloads.length === 0) return [];
  const start = firstSeq ?? (await reserveSeqs(tx, channelId, payloads.length));
  const rows = payloads.map((p, i) => ({
    channelId,
    seq: start + i,
    type: p.type,
    actorId,
    data: JSON.stringify(p.data),
    createdAt: at,
  }));
  // One multi-row insert as a plain statement: every change in stek passes through here.
  const values = rows.map(
    (r) => sql`(${r.channelId}, ${r.seq}, ${r.type}, ${r.actorId}, ${r.data}, ${r.createdAt})`,
  );
  await tx.run(
    sql`insert into events (channel_id, seq, type, actor_id, data, created_at) values ${sql.join(values, sql`, `)}`,
  );
  return rows.map((row, i) => ({
    ...payloads[i]!,
    channelId,
    seq: row.seq,
    actorId,
    createdAt: new Date(at).toISOString(),
  }));
}

/** The events of a channel after `after`, in seq order, at most `limit`. */
export async function readEvents(
  tx: Tx,
  channelId: string,
  after: number,
  limit: number,
): Promise<ChannelEvent[]> {
  const rows = await tx
    .select()
    .from(events)
    .where(and(eq(events.channelId, channelId), gt(events.seq, after)))
    .orderBy(asc(events.seq))
    .limit(limit);
  return rows.map(
    (row) =>
      ({
        type: row.type,
        data: JSON.parse(row.data),
        channelId: row.channelId,
        seq: row.seq,
        actorId: row.actorId,
        createdAt: new Date(row.createdAt).toISOString(),
      }) as ChannelEvent,
  );
}
