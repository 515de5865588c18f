import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

/** Milliseconds since the epoch; every timestamp in stek is stored this way. */
const millis = (name: string) => integer(name, { mode: 'number' });

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  displayName: text('display_name').notNull(),
  isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
  isBot: integer('is_bot', { mode: 'boolean' }).notNull().default(false),
  deactivatedAt: millis('deactivated_at'),
  /** The user's id in the workspace export it was imported from, so a re-import finds it. */
  externalId: text('external_id').unique(),
  createdAt: millis('created_at').notNull(),
});

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    /** SHA-256 of the secret, hex. The secret itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: millis('created_at').notNull(),
    revokedAt: millis('revoked_at'),
  },
  (t) => [index('api_tokens_user').on(t.userId)],
);

export const channels = sqliteTable('channels', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** `channel` for named channels, `dm` for direct and group-direct conversations. */
  kind: text('kind', { enum: ['channel', 'dm'] })
    .notNull()
    .default('channel'),
  topic: text('topic').notNull().default(''),
  isPrivate: integer('is_private', { mode: 'boolean' }).notNull().default(false),
  archivedAt: millis('archived_at'),
  createdBy: text('created_by').references(() => users.id),
  createdAt: millis('created_at').notNull(),
  /** The seq of the newest event in this channel's log; the next event gets headSeq + 1. */
  headSeq: integer('head_seq').notNull().default(0),
  /** For a dm: the sorted member ids joined with commas, so one set maps to one conversation. */
  dmKey: text('dm_key').unique(),
  externalId: text('external_id').unique(),
});

export const channelMembers = sqliteTable(
  'channel_members',
  {
    channelId: text('channel_id')
      .notNull()
      .references(() => channels.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    joinedAt: millis('joined_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.userId] }), index('members_user').on(t.userId)],
);

export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    channelId: text('channel_id')
      .notNull()
      .references(() => channels.id),
    /** The seq of the `message.created` event; strictly increasing within a channel. */
    seq: integer('seq').notNull(),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id),
    text: text('text').notNull(),
    /** `null` for a user's message; `system` for joins, topic changes and the like; `bot`. */
    subtype: text('subtype', { enum: ['system', 'bot'] }),
    threadId: text('thread_id'),
    replyCount: integer('reply_count').notNull().default(0),
    lastReplyAt: millis('last_reply_at'),
    clientMsgId: text('client_msg_id'),
    createdAt: millis('created_at').notNull(),
    editedAt: millis('edited_at'),
    deletedAt: millis('deleted_at'),
  },
  (t) => [
    uniqueIndex('messages_channel_seq').on(t.channelId, t.seq),
    uniqueIndex('messages_author_client_msg')
      .on(t.authorId, t.clientMsgId)
      .where(sql`client_msg_id is not null`),
    // Replies only: a top-level history read must go by `messages_channel_seq`. Holding the
    // top-level messages too, this index led SQLite to page a channel's history by walking the
    // top-level messages of every channel in the seq range.
    index('messages_thread_replies')
      .on(t.threadId, t.seq)
      .where(sql`thread_id is not null`),
  ],
);

export const reactions = sqliteTable(
  'reactions',
  {
    messageId: text('message_id')
      .notNull()
      .references(() => messages.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    emoji: text('emoji').notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.userId, t.emoji] })],
);

export const readMarkers = sqliteTable(
  'read_markers',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    channelId: text('channel_id')
      .notNull()
      .references(() => channels.id),
    lastReadSeq: integer('last_read_seq').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.channelId] })],
);

/** The durable per-channel log: every change, in the transaction that made it, gap-free by seq. */
export const events = sqliteTable(
  'events',
  {
    channelId: text('channel_id')
      .notNull()
      .references(() => channels.id),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    actorId: text('actor_id'),
    /** JSON: the event's payload, shaped per type (see src/chat/events.ts). */
    data: text('data').notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.seq] })],
);

/** How far a downstream consumer (the search indexer, say) has read each channel's log. */
export const consumerCursors = sqliteTable(
  'consumer_cursors',
  {
    consumer: text('consumer').notNull(),
    channelId: text('channel_id')
      .notNull()
      .references(() => channels.id),
    seq: integer('seq').notNull().default(0),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.channelId] })],
);
