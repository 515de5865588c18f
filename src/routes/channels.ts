import { createRoute, z } from '@hono/zod-openapi';
import * as channels from '../chat/channels.ts';
import type { App, AppDeps } from './env.ts';
import { afterCommit } from './publish.ts';
import {
  Channel,
  ChannelListItem,
  ChannelParams,
  Name,
  User,
  errorResponses,
  json,
  jsonBody,
} from './schemas.ts';

const MemberParams = ChannelParams.extend({ userId: z.string().min(1).max(64) });
const Ok = z.object({ ok: z.literal(true) });

const list = createRoute({
  method: 'get',
  path: '/channels',
  tags: ['channels'],
  summary: 'Channels the caller can see, with unread counts',
  responses: { 200: json(z.object({ channels: z.array(ChannelListItem) })), ...errorResponses },
});

const create = createRoute({
  method: 'post',
  path: '/channels',
  tags: ['channels'],
  summary: 'Create a channel; the caller becomes its first member',
  request: {
    body: jsonBody(
      z.object({
        name: Name,
        topic: z.string().max(250).optional(),
        isPrivate: z.boolean().optional(),
      }),
    ),
  },
  responses: { 201: json(Channel, 'created'), ...errorResponses },
});

const get = createRoute({
  method: 'get',
  path: '/channels/{channelId}',
  tags: ['channels'],
  request: { params: ChannelParams },
  responses: { 200: json(Channel.extend({ isMember: z.boolean() })), ...errorResponses },
});

const update = createRoute({
  method: 'patch',
  path: '/channels/{channelId}',
  tags: ['channels'],
  summary: 'Rename, set the topic, archive or unarchive',
  request: {
    params: ChannelParams,
    body: jsonBody(
      z.object({
        name: Name.optional(),
        topic: z.string().max(250).optional(),
        archived: z.boolean().optional(),
      }),
    ),
  },
  responses: { 200: json(Channel), ...errorResponses },
});

const archive = createRoute({
  method: 'post',
  path: '/channels/{channelId}/archive',
  tags: ['channels'],
  request: { params: ChannelParams },
  responses: { 200: json(Channel), ...errorResponses },
});

const join = createRoute({
  method: 'post',
  path: '/channels/{channelId}/join',
  tags: ['members'],
  request: { params: ChannelParams },
  responses: { 200: json(Ok), ...errorResponses },
});

const leave = createRoute({
  method: 'post',
  path: '/channels/{channelId}/leave',
  tags: ['members'],
  request: { params: ChannelParams },
  responses: { 200: json(Ok), ...errorResponses },
});

const members = createRoute({
  method: 'get',
  path: '/channels/{channelId}/members',
  tags: ['members'],
  request: { params: ChannelParams },
  responses: { 200: json(z.object({ members: z.array(User) })), ...errorResponses },
});

const addMember = createRoute({
  method: 'post',
  path: '/channels/{channelId}/members',
  tags: ['members'],
  summary: 'Add someone to a channel you are in',
  request: { params: ChannelParams, body: jsonBody(z.object({ userId: z.string().min(1) })) },
  responses: { 200: json(Ok), ...errorResponses },
});

const removeMember = createRoute({
  method: 'delete',
  path: '/channels/{channelId}/members/{userId}',
  tags: ['members'],
  request: { params: MemberParams },
  responses: { 200: json(Ok), ...errorResponses },
});

const markRead = createRoute({
  method: 'post',
  path: '/channels/{channelId}/read',
  tags: ['channels'],
  summary: 'Move the read marker',
  request: {
    params: ChannelParams,
    body: jsonBody(z.object({ seq: z.number().int().min(0) })),
  },
  responses: { 200: json(z.object({ lastReadSeq: z.number().int() })), ...errorResponses },
});

const openDm = createRoute({
  method: 'post',
  path: '/dms',
  tags: ['channels'],
  summary: 'The direct conversation with exactly these people, created on first use',
  request: {
    body: jsonBody(
      z.object({ userIds: z.array(z.string().min(1).max(64)).min(1).max(channels.maxDmMembers) }),
    ),
  },
  responses: {
    200: json(Channel, 'the existing conversation'),
    201: json(Channel, 'created'),
    ...errorResponses,
  },
});

export function registerChannelRoutes(app: App, deps: AppDeps): void {
  const ctx = deps.chat;

  app.openapi(list, async (c) =>
    c.json({ channels: await channels.listChannels(ctx, c.get('auth')) }, 200),
  );

  app.openapi(create, async (c) => {
    const result = await channels.createChannel(ctx, c.get('auth'), c.req.valid('json'));
    afterCommit(c, deps, result.events);
    return c.json(result.value, 201);
  });

  app.openapi(get, async (c) => {
    const { channelId } = c.req.valid('param');
    return c.json(await channels.getChannel(ctx, c.get('auth'), channelId), 200);
  });

  app.openapi(update, async (c) => {
    const { channelId } = c.req.valid('param');
    const result = await channels.updateChannel(ctx, c.get('auth'), channelId, c.req.valid('json'));
    afterCommit(c, deps, result.events);
    return c.json(result.value, 200);
  });

  app.openapi(archive, async (c) => {
    const { channelId } = c.req.valid('param');
    const result = await channels.updateChannel(ctx, c.get('auth'), channelId, { archived: true });
    afterCommit(c, deps, result.events);
    return c.json(result.value, 200);
  });

  app.openapi(join, async (c) => {
    const { channelId } = c.req.valid('param');
    afterCommit(c, deps, (await channels.joinChannel(ctx, c.get('auth'), channelId)).events);
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(leave, async (c) => {
    const { channelId } = c.req.valid('param');
    afterCommit(c, deps, (await channels.leaveChannel(ctx, c.get('auth'), channelId)).events);
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(members, async (c) => {
    const { channelId } = c.req.valid('param');
    return c.json({ members: await channels.listMembers(ctx, c.get('auth'), channelId) }, 200);
  });

  app.openapi(addMember, async (c) => {
    const { channelId } = c.req.valid('param');
    const { userId } = c.req.valid('json');
    const result = await channels.addMember(ctx, c.get('auth'), channelId, userId);
    afterCommit(c, deps, result.events);
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(removeMember, async (c) => {
    const { channelId, userId } = c.req.valid('param');
    const result = await channels.removeMember(ctx, c.get('auth'), channelId, userId);
    afterCommit(c, deps, result.events);
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(markRead, async (c) => {
    const { channelId } = c.req.valid('param');
    const { seq } = c.req.valid('json');
    return c.json(await channels.markRead(ctx, c.get('auth'), channelId, seq), 200);
  });

  app.openapi(openDm, async (c) => {
    const result = await channels.openDm(ctx, c.get('auth'), c.req.valid('json').userIds);
    afterCommit(c, deps, result.events);
    return c.json(result.value, result.created ? 201 : 200);
  });
}
