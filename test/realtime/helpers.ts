import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createUser, issueToken } from '../../src/chat/users.ts';
import {
  createStekClient,
  type ChannelConnection,
  type ChannelEvent,
  type ConnectOptions,
  type StekClient,
} from '../../src/client/index.ts';
import { pickFreePort } from '../../src/dev/processes.ts';
import { readNodeConfig } from '../../src/entry/config.ts';
import { startNodeServer, type NodeServer } from '../../src/entry/node.ts';
import { createRealtimePublisher } from '../../src/realtime/publisher.ts';

export interface TestApi {
  url: string;
  server: NodeServer;
  admin: StekClient;
  /** The admin's bearer token, for raw requests. */
  adminToken: string;
  /** Publish failures the API logged (it logs and moves on). */
  publishFailures: string[];
  /** A new user and a client acting as them. */
  addUser(name: string): Promise<{ id: string; client: StekClient }>;
  close(): Promise<void>;
}

export interface StartTestApiOptions {
  /** Where clients connect and tickets point. */
  realtimeUrl: string;
  secret: string;
  /** Where the API publishes; `realtimeUrl` unless a test wants publishing to fail. */
  publishUrl?: string;
  ticketTtlMs?: number;
}

/** The real API on port 0 over a temporary libSQL file, publishing to a real room host. */
export async function startTestApi(options: StartTestApiOptions): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'stek-realtime-test-'));
  const config = readNodeConfig({ PORT: '0', STEK_DATA_DIR: dir, STEK_LOG: 'silent' });
  const publisher = createRealtimePublisher({
    host: options.publishUrl ?? options.realtimeUrl,
    secret: options.secret,
    timeoutMs: 1_000,
  });
  const publishFailures: string[] = [];
  const server = await startNodeServer({
    config,
    extend: (deps) => ({
      ...deps,
      realtime: {
        host: options.realtimeUrl,
        secret: options.secret,
        ticketTtlMs: options.ticketTtlMs,
      },
      onEvents: publisher.publish,
      onUserDeactivated: (userId, channelIds) =>
        publisher.disconnectUser(userId, channelIds, 'deactivated'),
      log: (entry) => {
        if (entry.level === 'warn') publishFailures.push(String(entry.error));
      },
    }),
  });
  const chat = { db: server.db, now: Date.now };
  const adminUser = await createUser(chat, { name: 'admin', isAdmin: true });
  const adminToken = await issueToken(chat, adminUser.id);
  const newClient = (token: string) =>
    createStekClient({ baseUrl: server.url, token, WebSocket: WebSocket as never });
  return {
    url: server.url,
    server,
    admin: newClient(adminToken.token),
    adminToken: adminToken.token,
    publishFailures,
    async addUser(name) {
      const user = await createUser(chat, { name });
      const token = await issueToken(chat, user.id);
      return { id: user.id, client: newClient(token.token) };
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A live connection that records everything it was told. */
export interface Recorder {
  connection: ChannelConnection;
  events: ChannelEvent[];
  states: string[];
  typing: string[];
  presence: { action: string; userId?: string; present: string[] }[];
  errors: Error[];
  seqs(): number[];
}

/** Connects with fast reconnects and records every callback. */
export function record(
  client: StekClient,
  channelId: string,
  options: ConnectOptions = {},
): Recorder {
  const recorder: Omit<Recorder, 'connection'> = {
    events: [],
    states: [],
    typing: [],
    presence: [],
    errors: [],
    seqs: () => recorder.events.map((e) => e.seq),
  };
  const connection = client.connect(channelId, {
    minReconnectDelayMs: 100,
    maxReconnectDelayMs: 500,
    ...options,
    onEvent: (event) => recorder.events.push(event),
    onState: (state) => recorder.states.push(state),
    onTyping: (userId) => recorder.typing.push(userId),
    onPresence: (change) => recorder.presence.push(change),
    onError: (error) => recorder.errors.push(error),
  });
  return Object.assign(recorder, { connection });
}

/** Every seq of a channel's log, read over REST. */
export async function logSeqs(client: StekClient, channelId: string): Promise<number[]> {
  const seqs: number[] = [];
  for (;;) {
    const page = await client.listEvents(channelId, { after: seqs.at(-1) ?? 0, limit: 1000 });
    seqs.push(...page.events.map((e) => e.seq));
    if (!page.hasMore) return seqs;
  }
}

export const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns true, failing with `what` after `timeoutMs`. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A port nothing listens on (bound and released), for a publisher that must fail. */
export const deadPort = pickFreePort;

/** Opens a raw socket to a room and reports the HTTP refusal, if any. */
export function rawConnect(
  realtimeUrl: string,
  room: string,
  ticket: string,
): Promise<
  { opened: WebSocket; messages: Record<string, unknown>[] } | { status: number; body: string }
> {
  const url = `${realtimeUrl.replace(/^http/, 'ws')}/parties/main/${room}?ticket=${encodeURIComponent(ticket)}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    // Listen before `open`: the room's hello can arrive in the same read as the upgrade.
    const messages = collectMessages(ws);
    ws.once('open', () => resolve({ opened: ws, messages }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // Errors after the open (a reset once the room closed it) are the test's to assert, not crashes.
    ws.on('error', (error) => reject(error));
  });
}

/** As {@link rawConnect}, for a ticket that must be accepted. */
export async function openRaw(realtimeUrl: string, room: string, ticket: string) {
  const result = await rawConnect(realtimeUrl, room, ticket);
  if (!('opened' in result)) throw new Error(`refused: ${result.status} ${result.body}`);
  return { ws: result.opened, messages: result.messages };
}

/** The messages a raw socket receives, parsed. */
export function collectMessages(ws: WebSocket): Record<string, unknown>[] {
  const messages: Record<string, unknown>[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  return messages;
}

/** Whether a raw socket's messages show the room has seen `seq` (in its hello, or live). */
export function roomHasSeq(messages: Record<string, unknown>[], seq: number): boolean {
  return messages.some(
    (m) =>
      (m.type === 'hello' && Number(m.headSeq) >= seq) ||
      (m.type === 'event' && (m.event as { seq: number }).seq >= seq),
  );
}
