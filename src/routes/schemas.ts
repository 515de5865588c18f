import { z } from '@hono/zod-openapi';
import { maxMessageLength, namePattern } from '../chat/rules.ts';

export const Name = z
  .string()
  .regex(namePattern, "1–80 characters of a-z, 0-9, '.', '_' or '-'")
  .openapi({ example: 'general' });

export const MessageText = z
  .string()
  .refine((t) => t.trim().length > 0, 'must not be empty')
  .refine((t) => t.trim().length <= maxMessageLength, `at most ${maxMessageLength} characters`);

export const Seq = z.coerce.number().int().min(0);

export const Limit = z.coerce.number().int().min(1).max(200).optional();

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
    requestId: z.string().optional(),
  })
  .openapi('Error');

export const User = z
  .object({
    id: z.string(),
    name: z.string(),
    displayName: z.string(),
    isAdmin: z.boolean(),
    isBot: z.boolean(),
    deactivated: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('User');

export const Token = z
  .object({
    id: z.string(),
    userId: z.string(),
    name: z.string(),
    createdAt: z.string(),
    revoked: z.boolean(),
  })
  .openapi('Token');

export const IssuedToken = Token.extend({ token: z.string() }).openapi('IssuedToken');

export const Channel = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['channel', 'dm']),
    topic: z.string(),
    isPrivate: z.boolean(),
    archived: z.boolean(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    headSeq: z.number().int(),
  })
  .openapi('Channel');

export const ChannelListItem = Channel.extend({
  isMember: z.boolean(),
  lastReadSeq: z.number().int(),
  unreadCount: z.number().int(),
}).openapi('ChannelListItem');

export const Reaction = z.object({
  emoji: z.string(),
  count: z.number().int(),
  userIds: z.array(z.string()),
});

export const Message = z
  .object({
    id: z.string(),
    channelId: z.string(),
    seq: z.number().int(),
    authorId: z.string(),
    text: z.string(),
    subtype: z.enum(['system', 'bot']).nullable(),
    threadId: z.string().nullable(),
    replyCount: z.number().int(),
    lastReplyAt: z.string().nullable(),
    clientMsgId: z.string().nullable(),
    createdAt: z.string(),
    editedAt: z.string().nullable(),
    deleted: z.boolean(),
    deletedAt: z.string().nullable(),
    reactions: z.array(Reaction),
  })
  .openapi('Message');

export const Event = z
  .object({
    channelId: z.string(),
    seq: z.number().int(),
    type: z.string(),
    actorId: z.string().nullable(),
    createdAt: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('Event');

/** The standard error responses, to spread into a route's `responses`. */
export const errorResponses = Object.fromEntries(
  [400, 401, 403, 404, 409, 413, 415, 422, 429].map((status) => [
    status,
    { description: 'refused', content: { 'application/json': { schema: ErrorBody } } },
  ]),
) as Record<400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429, never>;

export const json = <T extends z.ZodType>(schema: T, description = 'ok') => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true as const,
  content: { 'application/json': { schema } },
});

export const ChannelParams = z.object({ channelId: z.string().min(1).max(64) });
export const MessageParams = z.object({ messageId: z.string().min(1).max(64) });
