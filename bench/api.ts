// Measures the Node API with autocannon: history pages and posting, at 1 and 50 connections, on
// a channel of 10k and of 1M messages, beside a bare Hono hello-world as the ceiling.
//   npx tsx bench/api.ts [--sizes 10000,1000000] [--seconds 10]
// Servers run in their own processes so autocannon does not share their event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startRedisServer } from '../src/dev/redis-server.ts';
import { startUpstashEndpoint } from '../src/dev/upstash-endpoint/index.ts';
import { seedChannel } from './seed.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,1000000' },
    seconds: { type: 'string', default: '10' },
    // off: no key-value store on the request path; memory: the in-process store; redis: Upstash
    // through the local endpoint in front of redis-server.
    kv: { type: 'string', default: 'off' },
    'no-ceiling': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes!.split(',').map(Number);
const seconds = Number(values.seconds);
const root = new URL('..', import.meta.url).pathname;

interface Row {
  scenario: string;
  messages: number | null;
  connections: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
}
const rows: Row[] = [];

function startProcess(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = out.match(ready);
      if (match) resolve({ child, match });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Load {
  result: autocannon.Result;
  /** Completed requests per second, from the first response to the last. */
  reqPerSec: number;
}

async function load(opts: autocannon.Options): Promise<Load> {
  // The promise autocannon returns is also its event emitter (the types give only one side).
  const run = autocannon({ duration: seconds, ...opts }) as Promise<autocannon.Result> &
    autocannon.Instance;
  // autocannon notices the end of a fixed amount only at its next one-second tick, so its own
  // duration (and per-second average) would round every posting rate down to amount / seconds.
  let first = 0;
  let last = 0;
  run.on('response', () => {
    last = performance.now();
    first ||= last;
  });
  const result = await run;
  return { result, reqPerSec: result.requests.total / ((last - first) / 1000) };
}

function record(
  scenario: string,
  messages: number | null,
  connections: number,
  { result: r, reqPerSec }: Load,
): void {
  const row = {
    scenario,
    messages,
    connections,
    reqPerSec: Math.round(reqPerSec),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx + r.errors,
  };
  rows.push(row);
  console.error(JSON.stringify(row));
}

async function ceiling(): Promise<void> {
  const { child, match } = await startProcess(
    ['--import', 'tsx', 'bench/hello-server.ts'],
    { PORT: '0' },
    /listening (\d+)/,
  );
  const url = `http://127.0.0.1:${match[1]}/hello`;
  for (const connections of [1, 50])
    record('hello (ceiling)', null, connections, await load({ url, connections }));
  await stop(child);
}

async function api(size: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stek-bench-'));
  try {
    console.error(`seeding ${size} messages`);
    const seeded = await seedChannel(join(dir, 'stek.db'), size);
    const { child, match } = await startProcess(
      ['bin/stek.mjs', 'serve', '--json'],
      { PORT: '0', STEK_DATA_DIR: dir, STEK_LOG: 'silent', ...kvEnv },
      /"url": "(http:\/\/[^"]+)"/,
    );
    const base = match[1];
    const headers = { authorization: `Bearer ${seeded.token}`, 'content-type': 'application/json' };
    const history = `${base}/v1/channels/${seeded.channelId}/messages?limit=50`;
    // Not recorded: lets the fresh server compile its hot paths before the first measured run.
    await autocannon({ url: history, connections: 10, duration: 3, headers });
    for (const connections of [1, 50]) {
      record('history page', size, connections, await load({ url: history, connections, headers }));
    }
    // A page deep in the history, to show the read cost does not grow with the channel.
    const deep = `${history}&before=${Math.max(2, Math.floor(size / 2))}`;
    record('history page, middle', size, 50, await load({ url: deep, connections: 50, headers }));

    let sent2xx = 0;
    // A fixed number of posts rather than a duration, so every request completes and the count
    // of acknowledged posts can be checked against what landed in the log.
    for (const connections of [1, 50]) {
      const r = await load({
        url: `${base}/v1/channels/${seeded.channelId}/messages`,
        method: 'POST',
        connections,
        amount: seconds * (connections === 1 ? 300 : 4000),
        headers,
        body: JSON.stringify({ text: 'benchmark post with a little text in it' }),
      });
      sent2xx += r.result['2xx'];
      record('post message', size, connections, r);
    }
    if (values.kv !== 'off') {
      // Every post carries a fresh Idempotency-Key: the store is written twice per request.
      let n = 0;
      const r = await load({
        url: `${base}/v1/channels/${seeded.channelId}/messages`,
        method: 'POST',
        connections: 50,
        amount: seconds * 2000,
        headers,
        body: JSON.stringify({ text: 'benchmark post with an idempotency key' }),
        requests: [
          {
            setupRequest: (req: autocannon.Request) => ({
              ...req,
              headers: { ...headers, 'idempotency-key': `bench-${process.pid}-${n++}` },
            }),
          },
        ],
      });
      sent2xx += r.result['2xx'];
      record('post with Idempotency-Key', size, 50, r);
    }
    const events = await fetch(`${base}/v1/channels/${seeded.channelId}`, { headers }).then(
      (r) => r.json() as Promise<{ headSeq: number }>,
    );
    const landed = events.headSeq - size;
    console.error(`posts answered 2xx: ${sent2xx}; posts in the log: ${landed}`);
    if (landed !== sent2xx)
      throw new Error(`lost posts: ${sent2xx} acknowledged, ${landed} landed`);
    await stop(child);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Budgets far above what the benchmark sends: the limiter still runs on every request.
const kvEnv: Record<string, string> = {
  STEK_KV: values.kv === 'off' ? 'off' : values.kv === 'memory' ? 'memory' : 'auto',
  STEK_RATE_LIMIT_POST: '100000000/60s',
  STEK_RATE_LIMIT_READ: '100000000/60s',
};
const cleanups: Array<() => Promise<void>> = [];
if (values.kv === 'redis') {
  const redis = await startRedisServer({ port: 0 });
  const endpoint = await startUpstashEndpoint({ redisPort: redis.port, token: 'bench-token' });
  cleanups.push(
    () => endpoint.stop(),
    () => redis.stop(),
  );
  Object.assign(kvEnv, {
    UPSTASH_REDIS_REST_URL: endpoint.url,
    UPSTASH_REDIS_REST_TOKEN: 'bench-token',
  });
}

if (!values['no-ceiling']) await ceiling();
for (const size of sizes) await api(size);
for (const cleanup of cleanups) await cleanup();

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const table = [
  `Machine: ${machine}; ${seconds} s per run (autocannon, one process; server in another); key-value store: ${values.kv}.`,
  '',
  '| scenario | messages | connections | req/s | p50 ms | p99 ms | non-2xx |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.scenario} | ${r.messages ?? '–'} | ${r.connections} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.non2xx} |`,
  ),
].join('\n');
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(
  join(root, 'bench/results/api.json'),
  JSON.stringify({ machine, seconds, rows }, null, 2),
);
console.log(table);
