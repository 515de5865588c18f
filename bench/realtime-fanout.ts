// Fan-out latency from an API post to every socket in one room, for 10, 100 and 1,000 sockets:
// the real API publishing to `partykit dev`, beside the same API publishing to a plain `ws`
// broadcast server. Localhost only; every loop is bounded.
// Run: npx tsx bench/realtime-fanout.ts [socket counts, e.g. 10,100,1000] [posts per row]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createUser, issueToken } from '../src/chat/users.ts';
import { createStekClient } from '../src/client/index.ts';
import { startPartykitDev } from '../src/dev/partykit.ts';
import { readNodeConfig } from '../src/entry/config.ts';
import { startNodeServer } from '../src/entry/node.ts';
import { createRealtimePublisher } from '../src/realtime/publisher.ts';
import { signTicket } from '../src/realtime/tickets.ts';
import { recordEventArrivals, startBaseline, type Target } from './realtime-targets.ts';

const socketCounts = (process.argv[2] ?? '10,100,1000').split(',').map(Number);
const postsPerRow = Number(process.argv[3] ?? 600);
const secret = `bench-${crypto.randomUUID()}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startRoomHost(): Promise<Target> {
  const dev = await startPartykitDev({ port: 0, secret });
  return { name: 'partykit dev', url: dev.url, stop: dev.stop };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

async function openSockets(target: Target, room: string, userId: string, count: number) {
  const arrivals = new Map<number, number[]>();
  const sockets: WebSocket[] = [];
  const base = target.url.replace(/^http/, 'ws');
  // Open in batches so the bench measures fan-out, not a connection storm.
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, async () => {
      const ticket = await signTicket(
        { channelId: room, userId, expiresAt: Date.now() + 600_000 },
        secret,
      );
      const ws = new WebSocket(`${base}/parties/main/${room}?ticket=${ticket}`);
      await new Promise<void>((resolve, reject) => {
        ws.once('message', () => resolve()); // the hello
        ws.once('error', reject);
      });
      recordEventArrivals(ws, arrivals);
      sockets.push(ws);
    });
    await Promise.all(batch);
  }
  return { sockets, arrivals };
}

interface Row {
  target: Target;
  /** Posts one message and returns how long each socket took to get it, ms. */
  post(i: number): Promise<number[]>;
  close(): Promise<void>;
}

/** The API (own temporary database) publishing to `target`, with `count` sockets in one room. */
async function prepare(target: Target, count: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'stek-bench-realtime-'));
  const config = readNodeConfig({
    PORT: '0',
    STEK_DATA_DIR: dir,
    STEK_LOG: 'silent',
    // The limiter still runs on every post, with a budget no row of posts reaches.
    STEK_RATE_LIMIT_POST: '100000000/60s',
  });
  const publisher = createRealtimePublisher({ host: target.url, secret, timeoutMs: 5_000 });
  const server = await startNodeServer({
    config,
    extend: (deps) => ({ ...deps, onEvents: publisher.publish }),
  });
  const chat = { db: server.db, now: Date.now };
  const user = await createUser(chat, { name: 'bench', isAdmin: true });
  const token = (await issueToken(chat, user.id)).token;
  const client = createStekClient({ baseUrl: server.url, token });
  const channel = await client.createChannel({ name: `fanout-${count}` });
  const { sockets, arrivals } = await openSockets(target, channel.id, user.id, count);

  async function post(i: number): Promise<number[]> {
    const started = performance.now();
    const posted = await client.postMessage(channel.id, { text: `bench ${i}` });
    const deadline = Date.now() + 5_000;
    while ((arrivals.get(posted.seq)?.length ?? 0) < count && Date.now() < deadline) await sleep(1);
    const got = arrivals.get(posted.seq) ?? [];
    arrivals.delete(posted.seq);
    if (got.length < count) {
      throw new Error(`${target.name}: seq ${posted.seq} reached ${got.length}/${count} sockets`);
    }
    return got.map((t) => t - started);
  }

  async function close() {
    for (const ws of sockets) ws.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }

  return { target, post, close };
}

interface Samples {
  each: number[];
  slowest: number[];
}

const rounds = 6;
const warmup = 5;
console.log(
  `node ${process.version}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; ` +
    `${postsPerRow} posts per row after ${warmup} warm-up posts, ` +
    `in ${rounds} rounds alternating the two targets`,
);
console.log('target           sockets   p50 ms   p99 ms   last-socket p50   last-socket p99');
const targets = [await startRoomHost(), await startBaseline(secret)];
try {
  for (const count of socketCounts) {
    // Both rows run side by side, alternating, so a busy moment on the machine hits both alike.
    const rows = [];
    for (const target of targets) rows.push(await prepare(target, count));
    const samples = new Map<Row, Samples>(rows.map((r) => [r, { each: [], slowest: [] }]));
    try {
      for (const row of rows) for (let i = 0; i < warmup; i += 1) await row.post(i);
      const perRound = Math.ceil(postsPerRow / rounds);
      for (let round = 0; round < rounds; round += 1) {
        for (const row of rows) {
          for (let i = 0; i < perRound; i += 1) {
            const each = await row.post(i);
            samples.get(row)!.each.push(...each);
            samples.get(row)!.slowest.push(Math.max(...each));
            await sleep(10);
          }
        }
      }
    } finally {
      for (const row of rows) await row.close();
    }
    const p99s: number[] = [];
    for (const row of rows) {
      const { each, slowest } = samples.get(row)!;
      each.sort((a, b) => a - b);
      slowest.sort((a, b) => a - b);
      p99s.push(percentile(each, 0.99));
      console.log(
        `${row.target.name.padEnd(16)} ${String(count).padStart(7)} ` +
          `${percentile(each, 0.5).toFixed(2).padStart(8)} ${percentile(each, 0.99).toFixed(2).padStart(8)} ` +
          `${percentile(slowest, 0.5).toFixed(2).padStart(17)} ${percentile(slowest, 0.99).toFixed(2).padStart(17)}`,
      );
    }
    console.log(
      `${count} sockets: partykit p99 / baseline p99 = ${(p99s[0]! / p99s[1]!).toFixed(2)}x`,
    );
  }
} finally {
  for (const target of targets) await target.stop();
}
