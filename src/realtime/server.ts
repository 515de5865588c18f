// One PartyKit room per channel (room id = channel id). It never reads the database: tickets prove
// who may connect, and the API pushes committed events here. The room fans them out, keeps the
// recent ones for resumes, and relays presence and typing, which are never stored.
import type * as Party from 'partykit/server';
import { createEventBuffer, type EventBuffer } from './event-buffer.ts';
import {
  closeCodes,
  type ChannelEvent,
  type ClientMessage,
  type RoomErrorCode,
  type RoomRequest,
  type RoomResponse,
  type ServerMessage,
} from './protocol.ts';
import { signatureHeader, verifyRequestBody } from './request-signature.ts';
import { minSecretLength, verifyTicket, type TicketRefusal } from './tickets.ts';

/** Recent events kept per room, unless `REALTIME_BUFFER_SIZE` says otherwise. */
export const defaultBufferSize = 500;

/** A user may announce typing at most this often; more is dropped. */
export const typingIntervalMs = 2_000;

/** Removals are remembered this long; any ticket older than that has expired anyway. */
const revocationMemoryMs = 60 * 60_000;

// Headers the worker sets after checking a ticket; anything a client sends under these names is
// dropped first, so the room can trust them.
const userHeader = 'x-stek-user-id';
const issuedAtHeader = 'x-stek-ticket-issued-at';

const eventKeyPrefix = 'event:';
const revokedKey = 'revoked';

interface SocketState {
  userId: string;
  issuedAt: number;
}

const refusalStatus: Record<TicketRefusal, number> = {
  malformed: 401,
  bad_signature: 401,
  expired: 401,
  wrong_channel: 403,
};

const refusalText: Record<TicketRefusal, string> = {
  malformed: 'the ticket is missing or malformed; ask the API for one',
  bad_signature: 'the ticket signature is not valid',
  expired: 'the ticket has expired; ask the API for a new one',
  wrong_channel: 'the ticket is for another channel',
};

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function readSecret(env: Record<string, unknown>): string | null {
  const secret = env.REALTIME_SECRET;
  return typeof secret === 'string' && secret.length >= minSecretLength ? secret : null;
}

function readBufferSize(env: Record<string, unknown>): number {
  const size = Number(env.REALTIME_BUFFER_SIZE);
  return Number.isInteger(size) && size > 0 ? size : defaultBufferSize;
}

function eventKey(seq: number): string {
  return `${eventKeyPrefix}${String(seq).padStart(12, '0')}`;
}

type ParsedMessage = ClientMessage | { type: 'unknown'; name: string };

function parseClientMessage(raw: string | ArrayBuffer | ArrayBufferView): ParsedMessage | null {
  if (typeof raw !== 'string' || raw.length > 1024) return null;
  try {
    const message = JSON.parse(raw) as Record<string, unknown>;
    if (message?.type === 'typing') return { type: 'typing' };
    if (message?.type === 'resume') {
      const after = Number(message.after);
      return Number.isSafeInteger(after) && after >= 0 ? { type: 'resume', after } : null;
    }
    if (typeof message?.type === 'string')
      return { type: 'unknown', name: message.type.slice(0, 40) };
    return null;
  } catch {
    return null;
  }
}

/** Lets the runtime do its pending I/O (socket writes among it) before the script goes on. */
function yieldToRuntime(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function isChannelEvent(value: unknown, channelId: string): value is ChannelEvent {
  const e = value as ChannelEvent | null;
  return (
    !!e &&
    typeof e.type === 'string' &&
    e.channelId === channelId &&
    Number.isInteger(e.seq) &&
    e.seq > 0
  );
}

export default class ChannelRoom implements Party.Server {
  // Hibernating rooms send through the runtime's own socket list, measurably faster at a thousand
  // sockets (docs/benchmarks/realtime.md); the buffer is reloaded from storage on wake-up.
  readonly options: Party.ServerOptions = { hibernate: true };
  private buffer!: EventBuffer;
  /** userId → the API's clock when they were removed; older tickets are refused. */
  private revoked = new Map<string, number>();
  private lastTyping = new Map<string, number>();

  constructor(readonly room: Party.Room) {}

  /** Runs in the worker before the room sees the socket: only a valid ticket gets through. */
  static async onBeforeConnect(request: Party.Request, lobby: Party.Lobby) {
    const secret = readSecret(lobby.env);
    if (!secret) {
      return jsonResponse(500, {
        error: { code: 'realtime_misconfigured', message: 'REALTIME_SECRET is not set' },
      });
    }
    const url = new URL(request.url);
    const ticket = url.searchParams.get('ticket') ?? '';
    const check = await verifyTicket(ticket, secret, { channelId: lobby.id, now: Date.now() });
    if (!check.ok) {
      return jsonResponse(refusalStatus[check.reason], {
        error: { code: `ticket_${check.reason}`, message: refusalText[check.reason] },
      });
    }
    const headers = new Headers(request.headers as unknown as Headers);
    headers.delete(userHeader);
    headers.delete(issuedAtHeader);
    headers.set(userHeader, check.claims.userId);
    headers.set(issuedAtHeader, String(check.claims.issuedAt));
    return new Request(request.url, { method: request.method, headers }) as never;
  }

  async onStart() {
    const stored = await this.room.storage.list<ChannelEvent>({ prefix: eventKeyPrefix });
    const size = readBufferSize(this.room.env);
    this.buffer = createEventBuffer(size, [...stored.values()]);
    const excess = [...stored.keys()].slice(0, Math.max(0, stored.size - size));
    if (excess.length > 0) await this.deleteKeys(excess);
    const revoked = await this.room.storage.get<Record<string, number>>(revokedKey);
    this.revoked = new Map(Object.entries(revoked ?? {}));
  }

  onConnect(connection: Party.Connection<SocketState>, ctx: Party.ConnectionContext) {
    const userId = ctx.request.headers.get(userHeader);
    const issuedAt = Number(ctx.request.headers.get(issuedAtHeader));
    if (!userId || !Number.isFinite(issuedAt)) {
      // Only reachable if the worker's check was bypassed; refuse rather than trust.
      connection.close(closeCodes.removed, 'no verified ticket');
      return;
    }
    const revokedAt = this.revoked.get(userId);
    if (revokedAt !== undefined && issuedAt <= revokedAt) {
      this.sendError(connection, 'ticket_revoked', 'the ticket predates your removal');
      // With hibernation the runtime ends the TCP connection of a socket closed this early only
      // after a timeout, so clients act on this error frame rather than wait for the close.
      connection.close(closeCodes.ticketRevoked, 'ticket_revoked');
      return;
    }

    const alreadyHere = this.isPresent(userId, connection.id);
    connection.setState({ userId, issuedAt });
    this.send(connection, {
      type: 'hello',
      room: this.room.id,
      userId,
      connectionId: connection.id,
      headSeq: this.buffer.headSeq,
      oldestSeq: this.buffer.oldestSeq,
      present: this.presentUsers(),
    });
    if (!alreadyHere) {
      this.broadcast({ type: 'presence', action: 'join', userId }, (s) => s.id !== connection.id);
    }
  }

  onMessage(raw: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection<SocketState>) {
    const state = sender.state;
    if (!state) return;
    const message = parseClientMessage(raw);
    if (!message) {
      this.sendError(sender, 'bad_message', 'send JSON text frames with a "type"');
      return;
    }
    switch (message.type) {
      case 'typing':
        return this.relayTyping(state.userId);
      case 'resume':
        return this.resume(sender, message.after);
      case 'unknown':
        return this.sendError(sender, 'unknown_type', `unknown message type '${message.name}'`);
    }
  }

  onClose(connection: Party.Connection<SocketState>) {
    this.leave(connection);
  }

  onError(connection: Party.Connection<SocketState>) {
    this.leave(connection);
  }

  /** The API's door: signed POSTs carrying committed events or users to disconnect. */
  async onRequest(request: Party.Request) {
    if (request.method !== 'POST') {
      return jsonResponse(405, { error: { code: 'method_not_allowed', message: 'POST only' } });
    }
    const secret = readSecret(this.room.env);
    if (!secret) {
      return jsonResponse(500, {
        error: { code: 'realtime_misconfigured', message: 'REALTIME_SECRET is not set' },
      });
    }
    const body = await request.text();
    const signed = await verifyRequestBody(
      body,
      request.headers.get(signatureHeader),
      secret,
      Date.now(),
    );
    if (!signed) {
      return jsonResponse(401, {
        error: { code: 'bad_signature', message: 'the request is not signed with the room secret' },
      });
    }
    let payload: RoomRequest;
    try {
      payload = JSON.parse(body) as RoomRequest;
    } catch {
      return jsonResponse(400, {
        error: { code: 'invalid_json', message: 'the body is not JSON' },
      });
    }

    let accepted = 0;
    let closed = 0;
    if ('events' in payload && Array.isArray(payload.events)) {
      if (!payload.events.every((e) => isChannelEvent(e, this.room.id))) {
        return jsonResponse(400, {
          error: { code: 'invalid_events', message: `events must belong to ${this.room.id}` },
        });
      }
      ({ accepted, closed } = await this.publish(payload.events));
    } else if ('disconnect' in payload && Array.isArray(payload.disconnect?.userIds)) {
      const { userIds, reason = 'removed', at = Date.now() } = payload.disconnect;
      closed = await this.disconnect(userIds, reason, at);
    } else {
      return jsonResponse(400, {
        error: { code: 'invalid_request', message: 'send {events} or {disconnect: {userIds}}' },
      });
    }
    const response: RoomResponse = { ok: true, accepted, closed, headSeq: this.buffer.headSeq };
    return jsonResponse(200, response);
  }

  private async publish(events: ChannelEvent[]): Promise<{ accepted: number; closed: number }> {
    const change = this.buffer.add(events);
    // Fan out first: the buffer in memory already answers resumes, storage is for restarts.
    const left: ChannelEvent[] = [];
    for (const event of change.added) {
      this.broadcast({ type: 'event', event });
      if (event.type === 'member.left') left.push(event);
    }
    // workerd writes the frames only once the script yields, and storage work or the answer to
    // this request, started in the same turn, went ahead of them (docs/benchmarks/realtime.md).
    await yieldToRuntime();
    // The writes skip the output gate (allowUnconfirmed): a gated write would hold every socket's
    // copy until the disk confirms, and the room's storage is only a cache of the durable log.
    const entries: Record<string, ChannelEvent> = {};
    for (const event of change.added) entries[eventKey(event.seq)] = event;
    const keys = Object.keys(entries);
    for (let i = 0; i < keys.length; i += 100) {
      const chunk = Object.fromEntries(keys.slice(i, i + 100).map((k) => [k, entries[k]!]));
      await this.room.storage.put(chunk, { allowUnconfirmed: true });
    }
    if (change.dropped.length > 0) await this.deleteKeys(change.dropped.map(eventKey));

    let closed = 0;
    for (const event of left) {
      const userId = (event.data as { userId: string }).userId;
      closed += await this.disconnect([userId], 'removed', Date.parse(event.createdAt));
    }
    return { accepted: change.added.length, closed };
  }

  private async disconnect(
    userIds: string[],
    reason: 'removed' | 'deactivated',
    at: number,
  ): Promise<number> {
    const targets = new Set(userIds);
    for (const userId of targets) {
      this.revoked.set(userId, Math.max(at, this.revoked.get(userId) ?? 0));
    }
    const cutoff = Date.now() - revocationMemoryMs;
    for (const [userId, when] of this.revoked) if (when < cutoff) this.revoked.delete(userId);
    await this.room.storage.put(revokedKey, Object.fromEntries(this.revoked));

    const code = reason === 'deactivated' ? closeCodes.deactivated : closeCodes.removed;
    const message =
      reason === 'deactivated'
        ? 'your account was deactivated'
        : 'you are no longer in this channel';
    let closed = 0;
    for (const connection of this.room.getConnections<SocketState>()) {
      const state = connection.state;
      if (!state || !targets.has(state.userId)) continue;
      this.sendError(connection, reason, message);
      connection.close(code, reason);
      this.leave(connection);
      closed += 1;
    }
    return closed;
  }

  private resume(connection: Party.Connection<SocketState>, after: number) {
    const plan = this.buffer.replay(after);
    if (!plan.ok) {
      this.send(connection, { type: 'catchup', after, headSeq: this.buffer.headSeq });
      return;
    }
    for (const event of plan.events) this.send(connection, { type: 'event', event });
    this.send(connection, {
      type: 'resumed',
      after,
      headSeq: this.buffer.headSeq,
      replayed: plan.events.length,
    });
  }

  private relayTyping(userId: string) {
    const now = Date.now();
    if (now - (this.lastTyping.get(userId) ?? 0) < typingIntervalMs) return;
    this.lastTyping.set(userId, now);
    this.broadcast({ type: 'typing', userId }, (s) => s.state?.userId !== userId);
  }

  private leave(connection: Party.Connection<SocketState>) {
    const state = connection.state;
    if (!state) return;
    // Clear first so a second close (close after error) cannot announce the leave twice.
    connection.setState(null);
    if (this.isPresent(state.userId, connection.id)) return;
    this.lastTyping.delete(state.userId);
    this.broadcast(
      { type: 'presence', action: 'leave', userId: state.userId },
      (s) => s.id !== connection.id,
    );
  }

  private isPresent(userId: string, exceptId: string): boolean {
    for (const c of this.room.getConnections<SocketState>()) {
      if (c.id !== exceptId && c.state?.userId === userId) return true;
    }
    return false;
  }

  private presentUsers(): string[] {
    const users = new Set<string>();
    for (const c of this.room.getConnections<SocketState>()) {
      if (c.state) users.add(c.state.userId);
    }
    return [...users].sort();
  }

  private send(connection: Party.Connection, message: ServerMessage) {
    try {
      connection.send(JSON.stringify(message));
    } catch {
      // The socket is closing; its close handler does the bookkeeping.
    }
  }

  private sendError(connection: Party.Connection, code: RoomErrorCode, message: string) {
    this.send(connection, { type: 'error', code, message });
  }

  private broadcast(
    message: ServerMessage,
    include: (c: Party.Connection<SocketState>) => boolean = () => true,
  ) {
    const text = JSON.stringify(message);
    for (const connection of this.room.getConnections<SocketState>()) {
      if (!connection.state || !include(connection)) continue;
      try {
        connection.send(text);
      } catch {
        // The socket is closing; its close handler does the bookkeeping.
      }
    }
  }

  private async deleteKeys(keys: string[]) {
    for (let i = 0; i < keys.length; i += 100)
      await this.room.storage.delete(keys.slice(i, i + 100));
  }
}

ChannelRoom satisfies Party.Worker;
