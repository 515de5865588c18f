// A live channel: a PartySocket to the channel's room, a fresh ticket for every (re)connect, and a
// sequencer so the caller sees every event exactly once, in seq order, whatever the socket does.
import PartySocket from 'partysocket';
import { isFinalCloseCode, type ServerMessage } from '../realtime/protocol.ts';
import { StekApiError } from './http.ts';
import type { RestApi } from './rest.ts';
import { createEventSequencer } from './event-sequencer.ts';
import type { ChannelEvent, RealtimeTicket } from './types.ts';

export type ConnectionState = 'connecting' | 'open' | 'catching-up' | 'closed';

/** A constructor compatible with the browser's WebSocket (Node 20: pass `ws`'s). */
export type WebSocketLike = new (url: string, protocols?: string | string[]) => unknown;

export interface PresenceChange {
  /** Everyone with a socket in the room now. */
  present: string[];
  /** What changed: a join or leave, or `sync` on (re)connect. */
  action: 'sync' | 'join' | 'leave';
  userId?: string;
}

export interface ConnectOptions {
  /** Deliver events after this seq (what the caller has already); 0 (everything) by default. */
  after?: number;
  /** Overrides the client's WebSocket constructor for this connection. */
  WebSocket?: WebSocketLike;
  /** Every event once, in seq order, without gaps. */
  onEvent?: (event: ChannelEvent) => void;
  onPresence?: (change: PresenceChange) => void;
  onTyping?: (userId: string) => void;
  onState?: (state: ConnectionState, detail?: { reason?: string }) => void;
  /** Failures the connection recovers from by itself (a refused ticket, a failed catch-up read). */
  onError?: (error: Error) => void;
  /** Reconnect delays, ms. */
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Give up after this many failed attempts in a row (then `reconnect()` starts over). */
  maxRetries?: number;
  /** Events per REST page while catching up. */
  catchupPageSize?: number;
}

export interface ChannelConnection {
  readonly channelId: string;
  readonly state: ConnectionState;
  /** The seq of the last event delivered to `onEvent`. */
  readonly lastSeq: number;
  readonly present: readonly string[];
  /** Tells others the caller is typing; throttled, returns whether it was sent. */
  sendTyping(): boolean;
  /** Drops the socket and starts a fresh attempt, even after retries ran out or a final close. */
  reconnect(): void;
  close(): void;
  /** Resolves once the connection is open and caught up to at least `seq`. */
  waitFor(seq: number, timeoutMs?: number): Promise<void>;
}

/** How often a client sends typing at most; the room throttles the same way. */
export const typingThrottleMs = 2_000;

const retryableTicketStatus = (status: number) => status >= 500 || status === 429;

export interface OpenChannelDeps {
  api: RestApi;
  WebSocket?: WebSocketLike;
}

/** Opens a live connection to a channel. It starts connecting at once. */
export function openChannel(
  deps: OpenChannelDeps,
  channelId: string,
  options: ConnectOptions = {},
): ChannelConnection {
  const { api } = deps;
  const WebSocketImpl = options.WebSocket ?? deps.WebSocket;
  const pageSize = options.catchupPageSize ?? 500;
  const minDelay = options.minReconnectDelayMs ?? 500;
  const maxDelay = options.maxReconnectDelayMs ?? 10_000;
  const maxRetries = options.maxRetries ?? Number.POSITIVE_INFINITY;

  let state: ConnectionState = 'connecting';
  let closedByCaller = false;
  let socket: PartySocket | null = null;
  let socketOpen = false;
  let resuming = false;
  let catchingUp = false;
  let catchupAgain = false;
  let knownHead = 0;
  let lastTypingAt = 0;
  let spareTicket: RealtimeTicket | null = null;
  let present = new Set<string>();
  const waiters = new Set<() => void>();

  const sequencer = createEventSequencer(options.after ?? 0, (event) => {
    options.onEvent?.(event);
    for (const wake of waiters) wake();
  });

  const isClosed = () => closedByCaller || state === 'closed';

  function setState(next: ConnectionState, reason?: string) {
    if (next === state) return;
    state = next;
    options.onState?.(next, reason ? { reason } : undefined);
    for (const wake of waiters) wake();
  }

  function refreshState() {
    if (isClosed()) return;
    if (catchingUp || (socketOpen && resuming)) setState('catching-up');
    else if (socketOpen) setState('open');
    else setState('connecting');
  }

  function report(error: unknown) {
    options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }

  function finish(reason: string) {
    socket?.close();
    socketOpen = false;
    setState('closed', reason);
  }

  /** Reads the log over REST from the last delivered seq until nothing is missing. */
  async function catchUp(): Promise<void> {
    if (catchingUp) {
      catchupAgain = true;
      return;
    }
    catchingUp = true;
    refreshState();
    let failures = 0;
    try {
      do {
        catchupAgain = false;
        try {
          let page;
          do {
            page = await api.listEvents(channelId, { after: sequencer.lastSeq, limit: pageSize });
            for (const event of page.events) sequencer.offer(event);
            knownHead = Math.max(knownHead, page.headSeq);
          } while (page.hasMore && page.events.length > 0 && state !== 'closed');
          failures = 0;
        } catch (error) {
          if (error instanceof StekApiError && !retryableTicketStatus(error.status)) {
            finish(error.code);
            return;
          }
          report(error);
          failures += 1;
          await new Promise((r) => setTimeout(r, Math.min(maxDelay, minDelay * 2 ** failures)));
          catchupAgain = true;
        }
        // Held events beyond what the log showed were committed after the read: read again.
      } while ((catchupAgain || sequencer.hasGap) && state !== 'closed' && !closedByCaller);
    } finally {
      catchingUp = false;
      refreshState();
    }
  }

  function needsCatchUp(): boolean {
    return sequencer.hasGap || knownHead > sequencer.lastSeq;
  }

  function handleMessage(message: ServerMessage) {
    switch (message.type) {
      case 'hello':
        present = new Set(message.present);
        options.onPresence?.({ present: [...present], action: 'sync' });
        resuming = true;
        socket?.send(JSON.stringify({ type: 'resume', after: sequencer.lastSeq }));
        refreshState();
        return;
      case 'event':
        sequencer.offer(message.event);
        if (sequencer.hasGap && !resuming) void catchUp();
        return;
      case 'resumed':
        resuming = false;
        knownHead = Math.max(knownHead, message.headSeq);
        if (needsCatchUp()) void catchUp();
        refreshState();
        return;
      case 'catchup':
        resuming = false;
        knownHead = Math.max(knownHead, message.headSeq);
        void catchUp();
        return;
      case 'presence':
        if (message.action === 'join') present.add(message.userId);
        else present.delete(message.userId);
        options.onPresence?.({
          present: [...present],
          action: message.action,
          userId: message.userId,
        });
        return;
      case 'typing':
        options.onTyping?.(message.userId);
        return;
      case 'error':
        report(new Error(`room: ${message.code}: ${message.message}`));
        // The close that follows these can be slow to arrive; act on the frame itself.
        if (message.code === 'removed' || message.code === 'deactivated') finish(message.code);
        else if (message.code === 'ticket_revoked') socket?.reconnect();
        return;
    }
  }

  /** A ticket for the next attempt; a refusal that will not change ends the connection. */
  async function nextTicket(): Promise<RealtimeTicket> {
    const spare = spareTicket;
    spareTicket = null;
    if (spare && Date.parse(spare.expiresAt) - Date.now() > 5_000) return spare;
    try {
      return await api.issueRealtimeTicket(channelId);
    } catch (error) {
      if (error instanceof StekApiError && !retryableTicketStatus(error.status)) {
        // Not a member any more, token revoked, realtime switched off: retrying cannot help.
        finish(error.code);
      }
      report(error);
      throw error;
    }
  }

  function createSocket(first: RealtimeTicket) {
    spareTicket = first;
    const created = new PartySocket({
      host: first.host,
      party: first.party,
      room: first.room,
      WebSocket: WebSocketImpl as never,
      minReconnectionDelay: minDelay,
      maxReconnectionDelay: maxDelay,
      maxRetries,
      connectionTimeout: 5_000,
      shouldReconnectOnClose: (event) => !isFinalCloseCode(event.code),
      query: async () => {
        const ticket = await nextTicket();
        knownHead = Math.max(knownHead, ticket.headSeq);
        return { ticket: ticket.ticket };
      },
    });
    created.addEventListener('open', () => {
      socketOpen = true;
      refreshState();
    });
    created.addEventListener('message', (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      let message: ServerMessage;
      try {
        message = JSON.parse(event.data) as ServerMessage;
      } catch {
        return; // Not ours; the room only sends JSON.
      }
      handleMessage(message);
    });
    created.addEventListener('close', (event: CloseEvent) => {
      socketOpen = false;
      resuming = false;
      if (present.size > 0) {
        present = new Set();
        options.onPresence?.({ present: [], action: 'sync' });
      }
      if (closedByCaller) return;
      if (isFinalCloseCode(event.code)) {
        finish(event.reason || `closed ${event.code}`);
        return;
      }
      if (created.retryCount >= maxRetries) finish('gave up reconnecting');
      else refreshState();
    });
    created.addEventListener('error', () => {
      if (!closedByCaller && state !== 'closed' && created.retryCount >= maxRetries) {
        finish('gave up reconnecting');
      }
    });
    socket = created;
  }

  async function start(attempt = 0): Promise<void> {
    if (isClosed()) return;
    try {
      const ticket = await api.issueRealtimeTicket(channelId);
      knownHead = Math.max(knownHead, ticket.headSeq);
      if (isClosed()) return;
      createSocket(ticket);
    } catch (error) {
      report(error);
      if (error instanceof StekApiError && !retryableTicketStatus(error.status)) {
        finish(error.code);
        return;
      }
      if (attempt + 1 >= maxRetries) {
        finish('gave up connecting');
        return;
      }
      const delay = Math.min(maxDelay, minDelay * 1.5 ** attempt);
      setTimeout(() => void start(attempt + 1), delay);
    }
  }

  void start();

  return {
    channelId,
    get state() {
      return state;
    },
    get lastSeq() {
      return sequencer.lastSeq;
    },
    get present() {
      return [...present];
    },
    sendTyping() {
      const now = Date.now();
      if (!socket || !socketOpen || now - lastTypingAt < typingThrottleMs) return false;
      lastTypingAt = now;
      socket.send(JSON.stringify({ type: 'typing' }));
      return true;
    },
    reconnect() {
      closedByCaller = false;
      state = 'connecting';
      options.onState?.('connecting');
      if (socket) socket.reconnect();
      else void start();
    },
    close() {
      closedByCaller = true;
      socket?.close();
      socketOpen = false;
      state = 'closed';
      options.onState?.('closed', { reason: 'closed by caller' });
      for (const wake of waiters) wake();
    },
    waitFor(seq: number, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (sequencer.lastSeq >= seq && state === 'open') done(null);
          else if (state === 'closed') done(new Error(`connection closed before seq ${seq}`));
        };
        const timer = setTimeout(
          () =>
            done(new Error(`seq ${seq} not reached in ${timeoutMs} ms (at ${sequencer.lastSeq})`)),
          timeoutMs,
        );
        const done = (error: Error | null) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve();
        };
        waiters.add(check);
        check();
      });
    },
  };
}
