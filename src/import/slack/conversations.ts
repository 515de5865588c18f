import { eq, inArray } from 'drizzle-orm';
import type { Database, Tx } from '../../db/database.ts';
import { channelMembers, channels, events } from '../../db/schema.ts';
import { reserveSeqs } from '../../chat/events.ts';
import { newId } from '../../lib/ids.ts';
import { chunkArray, insertInBatches, maxInListSize } from './batch.ts';
import { pickUniqueName, toStekName } from './names.ts';

/** A conversation as the export's list files describe it. */
export interface ConversationSpec {
  externalId: string;
  slackKind: 'channel' | 'group' | 'dm' | 'mpim';
  /** The list file it came from, for reports. */
  listPath: string;
  slackName: string | undefined;
  isPrivate: boolean;
  /** Slack markup, converted when the channel is written. */
  topic: string;
  purpose: string;
  /** Milliseconds; `null` when the export does not say. */
  createdAt: number | null;
  creator: string | undefined;
  /** Slack user ids. */
  members: string[];
  isArchived: boolean;
}

export function isDirect(spec: ConversationSpec): boolean {
  return spec.slackKind === 'dm' || spec.slackKind === 'mpim';
}

/** The folder names a conversation's day files may sit in: by name first, then by id. */
export function folderCandidates(spec: ConversationSpec): string[] {
  return [spec.slackName, spec.externalId].filter((name): name is string => Boolean(name));
}

/** The stek name each conversation has, or will get when it is created. */
export type PlannedNames = Map<string, string>;

/**
 * Decides stek names before anything is written, so that `#channel` mentions in the first
 * conversation's messages can name a channel imported later. A conversation imported before
 * keeps its current name.
 */
export async function planConversationNames(
  tx: Tx,
  specs: ConversationSpec[],
): Promise<PlannedNames> {
  const names: PlannedNames = new Map();
  for (const part of chunkArray(specs, maxInListSize)) {
    const rows = await tx
      .select({ name: channels.name, externalId: channels.externalId })
      .from(channels)
      .where(
        inArray(
          channels.externalId,
          part.map((spec) => spec.externalId),
        ),
      );
    for (const row of rows) names.set(row.externalId!, row.name);
  }
  const taken = new Set(
    (await tx.select({ name: channels.name }).from(channels)).map((r) => r.name),
  );
  for (const spec of specs) {
    if (names.has(spec.externalId)) continue;
    const base = isDirect(spec)
      ? toStekName(`dm-${spec.externalId}`, 'dm')
      : toStekName(spec.slackName, spec.externalId);
    names.set(spec.externalId, pickUniqueName(base, taken));
  }
  return names;
}

/** A conversation's row values, resolved to stek ids and text. */
export interface ConversationValues {
  name: string;
  topic: string;
  memberIds: string[];
  createdBy: string | null;
  createdAt: number;
  archivedAt: number | null;
}

export interface EnsuredConversation {
  channelId: string;
  /** True when this run made the channel: no message of it can exist yet. */
  created: boolean;
  membersAdded: number;
  membersExisting: number;
}

async function findConversation(tx: Tx, externalId: string, dmKey: string | null) {
  const [byExternalId] = await tx
    .select()
    .from(channels)
    .where(eq(channels.externalId, externalId));
  if (byExternalId || dmKey === null) return byExternalId;
  // A conversation opened through the API before the import has the same member set.
  const [byDmKey] = await tx.select().from(channels).where(eq(channels.dmKey, dmKey));
  return byDmKey;
}

async function freeName(tx: Tx, wanted: string): Promise<string> {
  const [clash] = await tx
    .select({ id: channels.id })
    .from(channels)
    .where(eq(channels.name, wanted));
  if (!clash) return wanted;
  const taken = new Set(
    (await tx.select({ name: channels.name }).from(channels)).map((r) => r.name),
  );
  return pickUniqueName(wanted, taken);
}

function joinedEvents(channelId: string, userIds: string[], firstSeq: number, at: number) {
  return userIds.map((userId, i) => ({
    channelId,
    seq: firstSeq + i,
    type: 'member.joined',
    actorId: userId,
    data: JSON.stringify({ userId }),
    createdAt: at,
  }));
}

/**
 * Finds the conversation (by Slack id, or for a DM by its member set) or creates it with its
 * members, each member's `member.joined` in its log. A conversation that exists only gains the
 * members it lacks; nothing else about it is changed.
 */
export async function ensureConversation(
  db: Database,
  spec: ConversationSpec,
  values: ConversationValues,
  at: number,
): Promise<EnsuredConversation> {
  const memberIds = [...new Set(values.memberIds)];
  const direct = isDirect(spec);
  const dmKey = direct && memberIds.length > 0 ? [...memberIds].sort().join(',') : null;
  return db.write(async (tx) => {
    const existing = await findConversation(tx, spec.externalId, dmKey);
    if (existing) {
      if (existing.externalId === null) {
        await tx
          .update(channels)
          .set({ externalId: spec.externalId })
          .where(eq(channels.id, existing.id));
      }
      const added =
        memberIds.length === 0
          ? []
          : await tx
              .insert(channelMembers)
              .values(memberIds.map((userId) => ({ channelId: existing.id, userId, joinedAt: at })))
              .onConflictDoNothing()
              .returning({ userId: channelMembers.userId });
      if (added.length > 0) {
        const first = await reserveSeqs(tx, existing.id, added.length);
        const rows = joinedEvents(
          existing.id,
          added.map((row) => row.userId),
          first,
          at,
        );
        await insertInBatches(rows, 6, (batch) => tx.insert(events).values(batch));
      }
      return {
        channelId: existing.id,
        created: false,
        membersAdded: added.length,
        membersExisting: memberIds.length - added.length,
      };
    }

    const id = newId('ch', values.createdAt);
    await tx.insert(channels).values({
      id,
      name: await freeName(tx, values.name),
      kind: direct ? 'dm' : 'channel',
      topic: values.topic,
      isPrivate: direct || spec.isPrivate,
      archivedAt: values.archivedAt,
      createdBy: values.createdBy,
      createdAt: values.createdAt,
      headSeq: memberIds.length,
      dmKey,
      externalId: spec.externalId,
    });
    const memberRows = memberIds.map((userId) => ({
      channelId: id,
      userId,
      joinedAt: values.createdAt,
    }));
    await insertInBatches(memberRows, 3, (batch) => tx.insert(channelMembers).values(batch));
    const eventRows = joinedEvents(id, memberIds, 1, values.createdAt);
    await insertInBatches(eventRows, 6, (batch) => tx.insert(events).values(batch));
    return { channelId: id, created: true, membersAdded: memberIds.length, membersExisting: 0 };
  });
}
