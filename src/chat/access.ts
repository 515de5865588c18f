import { sql } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import type { channels } from '../db/schema.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import type { Actor } from './context.ts';

export type ChannelRow = typeof channels.$inferSelect;

const nullableNumber = (v: unknown) => (v == null ? null : Number(v));

/** A `channels` row as SQLite returns it (snake_case columns), as drizzle would map it. */
export function channelFromRow(row: Record<string, unknown>): ChannelRow {
  return {
    id: row.id as string,
    name: row.name as string,
    kind: row.kind as ChannelRow['kind'],
    topic: row.topic as string,
    isPrivate: Boolean(row.is_private),
    archivedAt: nullableNumber(row.archived_at),
    createdBy: (row.created_by as string | null) ?? null,
    createdAt: Number(row.created_at),
    headSeq: Number(row.head_seq),
    dmKey: (row.dm_key as string | null) ?? null,
    externalId: (row.external_id as string | null) ?? null,
  };
}

export interface ChannelAccess {
  channel: ChannelRow;
  isMember: boolean;
}

/**
 * Loads a channel the actor may see. A private channel the actor is not in does not exist as far
 * as they can tell: it is reported exactly like a missing one.
 */
export async function loadVisibleChannel(
  tx: Tx,
  actor: Actor,
  channelId: string,
): Promise<ChannelAccess> {
  // A plain statement rather than the query builder: this runs on every request, reads and
  // writes alike, and building the query cost more than answering it.
  const [row] = await tx.all<Record<string, unknown>>(sql`
    select c.*, m.user_id as member_id from channels c
    left join channel_members m on m.channel_id = c.id and m.user_id = ${actor.userId}
    where c.id = ${channelId}`);
  if (!row) throw notFound('channel');
  const channel = channelFromRow(row);
  const isMember = row.member_id != null;
  if (channel.isPrivate && !isMember) throw notFound('channel');
  return { channel, isMember };
}

/** As `loadVisibleChannel`, and the actor must be a member (to post, react, mark read). */
export async function loadMemberChannel(
  tx: Tx,
  actor: Actor,
  channelId: string,
): Promise<ChannelRow> {
  const access = await loadVisibleChannel(tx, actor, channelId);
  if (!access.isMember) {
    throw new ApiError(403, 'not_a_member', 'join the channel first');
  }
  return access.channel;
}

export function assertNotArchived(channel: ChannelRow): void {
  if (channel.archivedAt != null) {
    throw new ApiError(409, 'channel_archived', 'the channel is archived');
  }
}
