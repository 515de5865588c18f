import type { channels, messages, users } from '../db/schema.ts';

type UserRow = typeof users.$inferSelect;
type ChannelRow = typeof channels.$inferSelect;
type MessageRow = typeof messages.$inferSelect;

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

export interface UserView {
  id: string;
  name: string;
  displayName: string;
  isAdmin: boolean;
  isBot: boolean;
  deactivated: boolean;
  createdAt: string;
}

export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    name: row.name,
    displayName: row.displayName,
    isAdmin: row.isAdmin,
    isBot: row.isBot,
    deactivated: row.deactivatedAt != null,
    createdAt: iso(row.createdAt)!,
  };
}

export interface ChannelView {
  id: string;
  name: string;
  kind: 'channel' | 'dm';
  topic: string;
  isPrivate: boolean;
  archived: boolean;
  createdBy: string | null;
  createdAt: string;
  headSeq: number;
}

export function toChannelView(row: ChannelRow): ChannelView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    topic: row.topic,
    isPrivate: row.isPrivate,
    archived: row.archivedAt != null,
    createdBy: row.createdBy,
    createdAt: iso(row.createdAt)!,
    headSeq: row.headSeq,
  };
}

export interface ReactionSummary {
  emoji: string;
  count: number;
  userIds: string[];
}

export interface MessageView {
  id: string;
  channelId: string;
  seq: number;
  authorId: string;
  text: string;
  subtype: 'system' | 'bot' | null;
  threadId: string | null;
  replyCount: number;
  lastReplyAt: string | null;
  clientMsgId: string | null;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  deletedAt: string | null;
  reactions: ReactionSummary[];
}

export function toMessageView(row: MessageRow, reactions: ReactionSummary[] = []): MessageView {
  const deleted = row.deletedAt != null;
  return {
    id: row.id,
    channelId: row.channelId,
    seq: row.seq,
    authorId: row.authorId,
    text: deleted ? '' : row.text,
    subtype: row.subtype,
    threadId: row.threadId,
    replyCount: row.replyCount,
    lastReplyAt: iso(row.lastReplyAt),
    clientMsgId: row.clientMsgId,
    createdAt: iso(row.createdAt)!,
    editedAt: iso(row.editedAt),
    deleted,
    deletedAt: iso(row.deletedAt),
    reactions: deleted ? [] : reactions,
  };
}
