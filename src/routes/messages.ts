import { createRoute, z } from '@hono/zod-openapi';
import * as messages from '../chat/messages.ts';
import type { App, AppDeps } from './env.ts';
import { afterCommit } from './publish.ts';
import {
  ChannelParams,
  Event,
  Limit,
  Message,
  MessageParams,
  MessageText,
  Seq,
  errorResponses,
  json,
  jsonBody,
} from './schemas.ts';

const Page = z.object({ messages: z.array(Message), hasMore: z.boolean() });
const PageQuery = z.object({ before: Seq.optional(), after: Seq.optional(), limit: Limit });
const ReactionParams = MessageParams.extend({ emoji: z.string().min(1).max(64) });

const post = createRoute({
  method: 'post',
  path: '/channels/{channelId}/messages',
  tags: ['messages'],
  summary: 'Post a message (a retry with the same clientMsgId returns the original)',
  request: {
    params: ChannelParams,
    body: jsonBody(
      z.object({
        text: MessageText,
        threadId: z.string().min(1).max(64).optional(),
        clientMsgId: z.string().min(1).max(128).optional(),
      }),
    ),
  },
  responses: {
    201: json(Message, 'posted'),
    200: json(Message, 'the message posted earlier with this clientMsgId'),
    ...errorResponses,
  },
});

const history = createRoute({
  method: 'get',
  path: '/channels/{channelId}/messages',
  tags: ['messages'],
  summary: 'History: newest first (going back from `before`), or oldest first after `after`',
  request: { params: ChannelParams, query: PageQuery },
  responses: { 200: json(Page), ...errorResponses },
});

const get = createRoute({
  method: 'get',
  path: '/messages/{messageId}',
  tags: ['messages'],
  request: { params: MessageParams },
  responses: { 200: json(Message), ...errorResponses },
});

const edit = createRoute({
  method: 'patch',
  path: '/messages/{messageId}',
  tags: ['messages'],
  request: { params: MessageParams, body: jsonBody(z.object({ text: MessageText })) },
  responses: { 200: json(Message), ...errorResponses },
});

const remove = createRoute({
  method: 'delete',
  path: '/messages/{messageId}',
  tags: ['messages'],
  summary: 'Delete a message, leaving a tombstone',
  request: { params: MessageParams },
  responses: { 200: json(Message), ...errorResponses },
});

const replies = createRoute({
  method: 'get',
  path: '/messages/{messageId}/replies',
  tags: ['messages'],
  summary: 'A thread: its root and replies, oldest first',
  request: { params: MessageParams, query: PageQuery },
  responses: { 200: json(Page.extend({ root: Message })), ...errorResponses },
});

const react = createRoute({
  method: 'put',
  path: '/messages/{messageId}/reactions/{emoji}',
  tags: ['reactions'],
  request: { params: ReactionParams },
  responses: { 200: json(Message), ...errorResponses },
});

const unreact = createRoute({
  method: 'delete',
  path: '/messages/{messageId}/reactions/{emoji}',
  tags: ['reactions'],
  request: { params: ReactionParams },
  responses: { 200: json(Message), ...errorResponses },
});

const events = createRoute({
  method: 'get',
  path: '/channels/{channelId}/events',
  tags: ['events'],
  summary: "The channel's event log after a seq, in order, with the head seq",
  request: {
    params: ChannelParams,
    query: z.object({
      after: Seq.default(0),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
    }),
  },
  responses: {
    200: json(
      z.object({ events: z.array(Event), headSeq: z.number().int(), hasMore: z.boolean() }),
    ),
    ...errorResponses,
  },
});

export function registerMessageRoutes(app: App, deps: AppDeps): void {
  const ctx = deps.chat;

  app.openapi(post, async (c) => {
    const { channelId } = c.req.valid('param');
    const result = await messages.postMessage(ctx, c.get('auth'), channelId, c.req.valid('json'));
    afterCommit(c, deps, result.events);
    return c.json(result.value, result.created ? 201 : 200);
  });

  app.openapi(history, async (c) => {
    const { channelId } = c.req.valid('param');
    return c.json(
      await messages.listMessages(ctx, c.get('auth'), channelId, c.req.valid('query')),
      200,
    );
  });

  app.openapi(get, async (c) => {
    const { messageId } = c.req.valid('param');
    return c.json(await messages.getMessage(ctx, c.get('auth'), messageId), 200);
  });

  app.openapi(edit, async (c) => {
    const { messageId } = c.req.valid('param');
    const result = await messages.editMessage(ctx, c.get('auth'), messageId, c.req.valid('json'));
    afterCommit(c, deps, result.events);
    return c.json(result.value, 200);
  });

  app.openapi(remove, async (c) => {
    const { messageId } = c.req.valid('param');
    const result = await messages.deleteMessage(ctx, c.get('auth'), messageId);
    afterCommit(c, deps, result.events);
    return c.json(result.value, 200);
  });

  app.openapi(replies, async (c) => {
    const { messageId } = c.req.valid('param');
    return c.json(
      await messages.listReplies(ctx, c.get('auth'), messageId, c.req.valid('query')),
      200,
    );
  });

  app.openapi(react, async (c) => {
    const { messageId, emoji } = c.req.valid('param');
    const result = await messages.setReaction(ctx, c.get('auth'), messageId, emoji, true);
    afterCommit(c, deps, result.events);
    return c.json(result.value, 200);
  });

  app.openapi(unreact, async (c) => {
    const { messageId, emoji } = c.req.valid('param');
    const result = await messages.setReaction(ctx, c.get('auth'), messageId, emoji, false);
    afterCommit(c, deps, result.events);
    return c.json(result.value, 200);
  });

  app.openapi(events, async (c) => {
    const { channelId } = c.req.valid('param');
    const { after, limit } = c.req.valid('query');
    return c.json(
      (await messages.listEvents(ctx, c.get('auth'), channelId, after, limit)) as never,
      200,
    );
  });
}
