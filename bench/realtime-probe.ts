// Where fan-out time goes, without the API: the publisher posts made-up events straight to a room
// and to the `ws` baseline, and for each post this records when the POST was answered, when the
// first socket got the event and when the last one did. Localhost only; every loop is bounded.
// Run: npx tsx bench/realtime-probe.ts [sockets] [posts]
// A/B of room code: PROBE_ROOMS=dir-a/server.ts,dir-b/server.ts starts one `partykit dev` per file,
// side by side, taking turns like the fan-out bench. The files must lie inside the repository
// (workerd refuses a module path that leaves the project directory).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { startPartykitDev } from '../src/dev/partykit.ts';
import type { ChannelEvent } from '../src/realtime/protocol.ts';
import { createRealtimePublisher } from '../src/realtime/publisher.ts';
import { signTicket } from '../src/realtime/tickets.ts';
import { recordEventArrivals, startBaseline, type Target } from './realtime-targets.ts';

const socketCount = Number(process.argv[2] ?? 1000);
const posts = Number(process.argv[3] ?? 100);
const secret = `probe-${crypto.randomUUID()}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** Round trips of a refused (unsigned) POST: the request path alone, no broadcast. */
async function ping(target: Target, room: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 50; i += 1) {
    const started = performance.now();
    const response = await fetch(`${target.url}/parties/main/${room}`, {
      method: 'POST',
      body: '{}',
    });
    await response.text();
    times.push(performance.now() - started);
  }
  return percentile(times.slice(10), 0.5);
}

async function prepare(target: Target, room: string) {
  const idlePing = await ping(target, room);
  const arrivals = new Map<number, number[]>();
  let reads = 0;
  const sockets: WebSocket[] = [];
  const base = target.url.replace(/^http/, 'ws');
  for (let i = 0; i < socketCount; i += 50) {
    const batch = Array.from({ length: Math.min(50, socketCount - i) }, async () => {
      const ticket = await signTicket(
        { channelId: room, userId: `u0`, expiresAt: Date.now() + 600_000 },
        secret,
      );
      const ws = new WebSocket(`${base}/parties/main/${room}?ticket=${ticket}`);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${target.name}: no hello`)), 10_000);
        ws.once('message', () => {
          clearTimeout(timer);
          resolve();
        });
        ws.once('error', reject);
      });
      recordEventArrivals(ws, arrivals);
      // How many TCP reads a frame costs the client: a server that writes a frame in pieces costs more.
      (ws as unknown as { _socket: NodeJS.EventEmitter })._socket.on('data', () => {
        reads += 1;
      });
      sockets.push(ws);
    });
    await Promise.all(batch);
  }
  await sleep(500);
  const busyPing = await ping(target, room);
  const publisher = createRealtimePublisher({ host: target.url, secret, timeoutMs: 5_000 });
  const answered: number[] = [];
  const first: number[] = [];
  const last: number[] = [];
  const each: number[] = [];
  let seq = 0;
  async function post() {
    seq += 1;
    const event: ChannelEvent = {
      type: 'message.created',
      channelId: room,
      seq,
      actorId: 'u0',
      createdAt: new Date().toISOString(),
      data: {
        message: {
          id: `m${seq}`,
          channelId: room,
          authorId: 'u0',
          text: `probe ${seq}`,
          threadId: null,
          replyCount: 0,
          createdAt: new Date().toISOString(),
          editedAt: null,
          deletedAt: null,
          reactions: [],
        } as never,
      },
    };
    const started = performance.now();
    await publisher.publish([event]);
    const done = performance.now();
    const deadline = Date.now() + 5_000;
    while ((arrivals.get(seq)?.length ?? 0) < socketCount && Date.now() < deadline) await sleep(1);
    const got = (arrivals.get(seq) ?? []).map((t) => t - started);
    arrivals.delete(seq);
    if (got.length < socketCount)
      throw new Error(`${target.name}: seq ${seq} reached ${got.length}`);
    if (seq > 5) {
      answered.push(done - started);
      first.push(Math.min(...got));
      last.push(Math.max(...got));
      each.push(...got);
    }
    await sleep(10);
  }
  function report() {
    console.log(
      `${target.name}: ${(reads / (seq * socketCount)).toFixed(2)} client reads per frame`,
    );
    const f = (v: number) => v.toFixed(2).padStart(7);
    console.log(
      `${target.name.padEnd(12)} refused POST ${f(idlePing)} / ${f(busyPing)}  answered ${f(percentile(answered, 0.5))}  ` +
        `first ${f(percentile(first, 0.5))}  each p50 ${f(percentile(each, 0.5))} ` +
        `p99 ${f(percentile(each, 0.99))}  last p50 ${f(percentile(last, 0.5))}`,
    );
  }
  function close() {
    for (const ws of sockets) ws.close();
  }
  return { post, report, close };
}

// PROBE_ROOMS=a.ts,b.ts runs one `partykit dev` per room file side by side (A/B of room code).
const roomFiles = (process.env.PROBE_ROOMS ?? '').split(',').filter(Boolean);
const targets: Target[] = [];
const configDirs: string[] = [];
for (const [i, main] of (roomFiles.length > 0 ? roomFiles : [undefined]).entries()) {
  let configPath: string | undefined;
  if (main) {
    const dir = mkdtempSync(join(tmpdir(), 'stek-probe-'));
    configDirs.push(dir);
    configPath = join(dir, 'partykit.json');
    writeFileSync(
      configPath,
      JSON.stringify({ name: 'stek', main: resolve(main), compatibilityDate: '2024-09-01' }),
    );
  }
  const dev = await startPartykitDev({ port: 0, secret, configPath });
  targets.push({ name: main ? `room ${i}` : 'partykit dev', url: dev.url, stop: dev.stop });
}
targets.push(await startBaseline(secret));
try {
  const rows = [];
  for (const target of targets) rows.push(await prepare(target, `ch_probe${Date.now()}`));
  for (const row of rows) for (let i = 0; i < 5; i += 1) await row.post();
  for (let round = 0; round < 6; round += 1) {
    for (const row of rows) for (let i = 0; i < Math.ceil(posts / 6); i += 1) await row.post();
  }
  for (const row of rows) row.report();
  for (const row of rows) row.close();
} finally {
  for (const target of targets) await target.stop();
  for (const dir of configDirs) rmSync(dir, { recursive: true, force: true });
}
