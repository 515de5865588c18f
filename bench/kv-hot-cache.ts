// Should the newest page of a channel's history be cached in the key-value store? Compares
// reading the page from the database (a local libSQL file) with fetching the same page, already
// serialized, from the in-process store and from Redis through the Upstash REST endpoint.
//   npx tsx bench/kv-hot-cache.ts [iterations]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMessages } from '../src/chat/messages.ts';
import { authenticate } from '../src/chat/users.ts';
import { openDatabase } from '../src/db/node.ts';
import { startRedisServer } from '../src/dev/redis-server.ts';
import { startUpstashEndpoint } from '../src/dev/upstash-endpoint/index.ts';
import { createMemoryStore, createUpstashStore, type KvStore } from '../src/kv/index.ts';
import { seedChannel } from './seed.ts';

const iterations = Number(process.argv[2] ?? 2_000);

async function measure(label: string, run: () => Promise<unknown>): Promise<string> {
  for (let i = 0; i < 100; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.floor(p * (times.length - 1))]!.toFixed(3);
  return `| ${label} | ${at(0.5)} | ${at(0.99)} |`;
}

const dir = mkdtempSync(join(tmpdir(), 'stek-hot-cache-'));
const redis = await startRedisServer({ port: 0 });
const endpoint = await startUpstashEndpoint({ redisPort: redis.port, token: 'bench' });
try {
  const seeded = await seedChannel(join(dir, 'stek.db'), 10_000);
  const db = await openDatabase({ url: `file:${join(dir, 'stek.db')}` });
  const chat = { db, now: Date.now };
  const actor = (await authenticate(chat, seeded.token))!;
  const page = () => listMessages(chat, actor, seeded.channelId, { limit: 50 });
  const body = JSON.stringify(await page());
  const stores: Array<[string, KvStore]> = [
    ['in-process store', createMemoryStore()],
    ['Redis via the Upstash endpoint', createUpstashStore({ url: endpoint.url, token: 'bench' })],
  ];
  const rows = [
    await measure('database: newest page (50 messages) + JSON', async () =>
      JSON.stringify(await page()),
    ),
  ];
  for (const [name, store] of stores) {
    await store.set('page', body, { ttlMs: 60_000 });
    rows.push(await measure(`${name}: get the cached page`, () => store.get('page')));
  }
  console.log(
    [
      `${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}; ${iterations} sequential reads; page ${(body.length / 1024).toFixed(1)} KiB`,
      '',
      '| read | p50 ms | p99 ms |',
      '|---|---:|---:|',
      ...rows,
    ].join('\n'),
  );
  await db.close();
} finally {
  await endpoint.stop();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
