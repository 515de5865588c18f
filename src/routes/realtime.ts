import { createRoute, z } from '@hono/zod-openapi';
import * as channels from '../chat/channels.ts';
import { ApiError } from '../lib/errors.ts';
import { signTicket } from '../realtime/tickets.ts';
import type { App, AppDeps } from './env.ts';
import { ErrorBody, errorResponses, json, jsonBody } from './schemas.ts';

/** How the API reaches the rooms and signs tickets for them. */
export interface RealtimeOptions {
  /** The PartyKit host the API publishes to, e.g. `http://127.0.0.1:1999`. */
  host: string;
  /** The host clients connect to, when it differs from `host` (a proxy, a public name). */
  publicHost?: string;
  /** Shared with the rooms (`REALTIME_SECRET`); at least 16 characters. */
  secret: string;
  /** How long a ticket stays valid. Short: a client asks for a new one on every (re)connect. */
  ticketTtlMs?: number;
}

export const defaultTicketTtlMs = 60_000;

const Ticket = z
  .object({
    host: z.string(),
    party: z.string(),
    room: z.string(),
    ticket: z.string(),
    expiresAt: z.string(),
    headSeq: z.number().int(),
  })
  .openapi('RealtimeTicket');

const issueTicket = createRoute({
  method: 'post',
  path: '/realtime/tickets',
  tags: ['realtime'],
  summary: "A short-lived ticket to connect to a channel's live room",
  request: { body: jsonBody(z.object({ channelId: z.string().min(1).max(64) })) },
  responses: {
    200: json(Ticket),
    503: json(ErrorBody, 'realtime is not configured'),
    ...errorResponses,
  },
});

/** `POST /realtime/tickets`; answers 503 `realtime_unavailable` when realtime is not configured. */
export function registerRealtimeRoutes(app: App, deps: AppDeps): void {
  const realtime = deps.realtime;
  const ttlMs = realtime?.ticketTtlMs ?? defaultTicketTtlMs;

  app.openapi(issueTicket, async (c) => {
    if (!realtime) {
      throw new ApiError(503, 'realtime_unavailable', 'live updates are not configured here');
    }
    const actor = c.get('auth');
    const { channelId } = c.req.valid('json');

    // Throws the usual 404 for a private channel the caller is not in.
    const channel = await channels.getChannel(deps.chat, actor, channelId);

    const issuedAt = deps.chat.now();
    const expiresAt = issuedAt + ttlMs;
    const ticket = await signTicket(
      { channelId, userId: actor.userId, issuedAt, expiresAt },
      realtime.secret,
    );
    return c.json(
      {
        host: realtime.publicHost ?? realtime.host,
        party: 'main',
        room: channelId,
        ticket,
        expiresAt: new Date(expiresAt).toISOString(),
        headSeq: channel.headSeq,
      },
      200,
    );
  });
}
