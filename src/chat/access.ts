import type { Tx } from '../db/database.ts';
import type { channels } from '../db/schema.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import type { Actor } from './context.ts';
import { readQuery } from './read-queries.ts';

export type ChannelRow = typeof channels.$inferSelect;

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
  const [row] = await readQuery(tx, 'channelWithMembership').all({
    userId: actor.userId,
    channelId,
  });
  if (!row) throw notFound('channel');
  const isMember = row.memberId != null;
  if (row.channel.isPrivate && !isMember) throw notFound('channel');
  return { channel: row.channel, isMember };
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
