// Measures the KV layer end to end: both stores, and for Upstash the whole path
// (fetch → local REST endpoint → redis-server). Run: npx tsx bench/kv-store.ts [operations]
import { startRedisServer } from '../src/dev/redis-server.ts';
import { startUpstashEndpoint } from '../src/dev/upstash-endpoint/index.ts';
import type { KvStore } from '../src/kv/kv-store.ts';
import { createMemoryStore } from '../src/kv/memory-store.ts';
import { createUpstashStore } from '../src/kv/upstash-store.ts';

const operations = Number(process.argv[2] ?? 2_000);
const concurrency = 16;

async function measure(label: string, run: (i: number) => Promise<unknown>): Promise<void> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  async function worker() {
    while (next < operations) {
      const i = next++;
      const t = performance.now();
      await run(i);
      latencies.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  console.log(
    `${label.padEnd(40)} ${String(Math.round(operations / seconds)).padStart(7)} ops/s` +
      `  p50 ${pct(0.5).toFixed(2)} ms  p99 ${pct(0.99).toFixed(2)} ms`,
  );
}

async function benchStore(name: string, store: KvStore): Promise<void> {
  await measure(`${name} set`, (i) => store.set(`k${i % 100}`, 'v'.repeat(200), { ttlMs: 60_000 }));
  await measure(`${name} get`, (i) => store.get(`k${i % 100}`));
  await measure(`${name} set ifAbsent`, (i) =>
    store.set(`lock${i}`, '1', { ifAbsent: true, ttlMs: 60_000 }),
  );
  await measure(`${name} checkRateLimit`, (i) =>
    store.checkRateLimit(`caller${i % 50}`, { limit: 1_000_000, windowMs: 60_000 }),
  );
}

const redis = await startRedisServer({ port: 0 });
const endpoint = await startUpstashEndpoint({ redisPort: redis.port, token: 'bench' });
try {
  console.log(`${operations} operations per row, ${concurrency} in flight`);
  await benchStore('memory', createMemoryStore());
  await benchStore(
    'upstash (local endpoint)',
    createUpstashStore({
      url: endpoint.url,
      token: endpoint.token,
      timeoutMs: 5_000,
    }),
  );
} finally {
  await endpoint.stop();
  await redis.stop();
}
