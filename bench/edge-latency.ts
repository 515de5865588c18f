// Compares the API on Node, workerd and Deno on one history page (50 messages of a 10k-message
// channel), with autocannon at 1 and 10 connections. Node reads the file directly, and once more
// over libSQL HTTP like the edge runtimes do, to separate the runtime from the database hop.
//   npx tsx bench/edge-latency.ts [--messages 10000] [--seconds 10] [--out docs/benchmarks/x.md]
// Every server runs in its own process (the Hrana server too), apart from autocannon.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startDeno } from '../src/dev/deno.ts';
import { projectRoot, startProcessGroup, startWorkerd } from '../src/dev/workerd.ts';
import { seedChannel } from './seed.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    out: { type: 'string' },
  },
});
const messageCount = Number(values.messages);
const seconds = Number(values.seconds);

interface Row {
  target: string;
  connections: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
}

interface Target {
  name: string;
  start: () => Promise<{ url: string; stop: () => Promise<void> }>;
}

function startNode(env: Record<string, string>) {
  return startProcessGroup({
    label: 'stek serve',
    command: process.execPath,
    args: ['bin/stek.mjs', 'serve', '--json'],
    cwd: projectRoot,
    env: { ...process.env, PORT: '0', STEK_LOG: 'silent', STEK_KV: 'off', ...env },
    ready: /"url": "(http:\/\/[^"]+)"/,
    readyTimeoutMs: 30_000,
  });
}

async function measure(url: string, token: string, connections: number) {
  const headers = { authorization: `Bearer ${token}` };
  // A short warm-up so that JIT and connection set-up are not in the numbers.
  await autocannon({ url, connections, duration: 2, headers });
  return autocannon({ url, connections, duration: seconds, headers });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stek-bench-edge-'));
  const dbPath = join(dir, 'stek.db');
  const stops: Array<() => Promise<void>> = [];
  try {
    console.error(`seeding ${messageCount} messages`);
    const seeded = await seedChannel(dbPath, messageCount);
    const hranaToken = `bench-${crypto.randomUUID()}`;
    const hrana = await startProcessGroup({
      label: 'hrana server',
      command: process.execPath,
      // prettier-ignore
      args: [
        '--import', 'tsx', 'src/dev/hrana/main.ts',
        '--db', dbPath, '--port', '0', '--auth-token', hranaToken,
      ],
      cwd: projectRoot,
      env: process.env,
      ready: /(http:\/\/127\.0\.0\.1:\d+)/,
      readyTimeoutMs: 30_000,
    });
    stops.push(hrana.stop);
    const edgeEnv = { LIBSQL_URL: hrana.url, LIBSQL_AUTH_TOKEN: hranaToken };

    const targets: Target[] = [
      { name: 'Node, libSQL file', start: () => startNode({ STEK_DATA_DIR: dir }) },
      {
        name: 'Node, libSQL HTTP',
        start: () =>
          startNode({
            STEK_DATA_DIR: join(dir, 'unused'),
            STEK_DATABASE_URL: hrana.url,
            STEK_DATABASE_AUTH_TOKEN: hranaToken,
          }),
      },
      { name: 'workerd (wrangler dev), libSQL HTTP', start: () => startWorkerd({ vars: edgeEnv }) },
      { name: 'Deno, libSQL HTTP', start: () => startDeno({ env: edgeEnv }) },
    ];

    const rows: Row[] = [];
    for (const target of targets) {
      console.error(`starting ${target.name}`);
      const server = await target.start();
      const url = `${server.url}/v1/channels/${seeded.channelId}/messages?limit=50`;
      const check = await fetch(url, { headers: { authorization: `Bearer ${seeded.token}` } });
      const page = (await check.json()) as { messages?: unknown[] };
      if (check.status !== 200 || page.messages?.length !== 50) {
        throw new Error(`${target.name} answered ${check.status}: ${JSON.stringify(page)}`);
      }
      for (const connections of [1, 10]) {
        const r = await measure(url, seeded.token, connections);
        rows.push({
          target: target.name,
          connections,
          reqPerSec: Math.round(r.requests.average),
          p50: r.latency.p50,
          p99: r.latency.p99,
          non2xx: r.non2xx,
        });
        console.error(`${target.name} c=${connections}: ${Math.round(r.requests.average)} req/s`);
      }
      await server.stop();
    }

    const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
    const table = [
      '| runtime | connections | req/s | p50 ms | p99 ms | non-2xx |',
      '|---|---:|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.target} | ${r.connections} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.non2xx} |`,
      ),
    ].join('\n');
    const report = [
      `Machine: ${machine}; load average at the end ${loadavg()[0]!.toFixed(1)}.`,
      `${seconds} s per row after a 2 s warm-up; GET /v1/channels/{id}/messages?limit=50 on a ` +
        `channel of ${messageCount} messages; no key-value store.`,
      '',
      table,
    ].join('\n');
    console.log(report);
    if (values.out) writeFileSync(values.out, `${report}\n`);
  } finally {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
