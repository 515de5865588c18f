/**
 * Search benchmark: bulk indexing through the origin, query latency for a mix of query kinds at
 * 1 and 10 concurrent clients (with where the time goes: Solr's own time, the Solr round trip,
 * the origin), query latency while indexing continues, and post-to-searchable latency and
 * search latency through the real API.
 *
 *   npx tsx bench/search-bench.ts [messages=200000]
 *
 * Environment:
 *   SEARCH_BENCH_DIR      keep the Solr home (and index) here; a later run with the same or a
 *                         smaller message count skips bulk indexing
 *   SEARCH_BENCH_HEAP     Solr heap (4g)
 *   SEARCH_BENCH_JVM_ARGS more JVM options for Solr, space-separated
 *   SEARCH_BENCH_SOLR_CONNECTIONS  the origin's connections to Solr (its default, 16)
 *   SEARCH_BENCH_REPEATS  how many times each query measurement runs (2)
 *   SEARCH_BENCH_INDEX_ONLY=1  stop after bulk indexing (to fill a kept index)
 *   SOLR_URL              use a running Solr instead of starting one
 *
 * Prints a Markdown summary on stdout, progress on stderr.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startSolr } from '../origin-search/solr/launcher.ts';
import { startSearchOrigin } from '../origin-search/src/server.ts';
import { createApp } from '../src/app.ts';
import { createUser, issueToken } from '../src/chat/users.ts';
import { openDatabase } from '../src/db/node.ts';
import type { IndexDocument, OriginSearchRequest } from '../src/search/contract.ts';
import { createSearchIndexer, createSearchNudge } from '../src/search/indexer.ts';
import { createSearchOriginClient } from '../src/search/origin-client.ts';
import { parseSearchQuery } from '../src/search/query.ts';

const total = Number(process.argv[2] ?? 200_000);
const keepDir = process.env.SEARCH_BENCH_DIR || undefined;
const heap = process.env.SEARCH_BENCH_HEAP ?? '4g';
const jvmArgs = (process.env.SEARCH_BENCH_JVM_ARGS ?? '').split(' ').filter(Boolean);
const repeats = Number(process.env.SEARCH_BENCH_REPEATS ?? 2);
const batchSize = 2000;
const writers = 2;
const channelCount = 500;
const commitWithinMs = 1000;

/** A deterministic generator, so runs are comparable. */
function createRandom(start: number): () => number {
  let seed = start;
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}
const random = createRandom(42);
const pickWith =
  (rnd: () => number) =>
  <T>(items: T[]): T =>
    items[Math.floor(rnd() * items.length)]!;
const pick = pickWith(random);

const syllables = [
  'de',
  'ploy',
  'ka',
  'ro',
  'mi',
  'ta',
  'ser',
  'ver',
  'lo',
  'gin',
  'pa',
  'ne',
  'qu',
  'ex',
  'on',
  'ar',
];
const vocabulary = Array.from({ length: 5000 }, () => {
  const n = 2 + Math.floor(random() * 3);
  return Array.from({ length: n }, () => pick(syllables)).join('');
});
const common = [
  'deploy',
  'deployed',
  'release',
  'incident',
  'review',
  'database',
  'latency',
  'error',
];

function makeText(i: number, rnd: () => number): string {
  const p = pickWith(rnd);
  const words = Array.from({ length: 8 + Math.floor(rnd() * 20) }, () =>
    rnd() < 0.1 ? p(common) : p(vocabulary),
  );
  if (i % 50 === 0) words.push(`OPS-${i % 10_000}`);
  if (i % 40 === 0) words.push(`https://grafana.example.test/d/${p(vocabulary)}`);
  if (i % 100 === 0) words.push('我们今天部署了新版本');
  return words.join(' ');
}

const channels = Array.from({ length: channelCount }, (_, i) => `ch_bench${i}`);
const authors = Array.from({ length: 200 }, (_, i) => `usr_bench${i}`);
const base = Date.UTC(2023, 0, 1);

function makeDocument(i: number, id: string, rnd: () => number): IndexDocument {
  return {
    id,
    channelId: channels[i % channelCount]!,
    authorId: authors[i % authors.length]!,
    threadId: null,
    seq: Math.floor(i / channelCount) + 1,
    isThread: i % 30 === 0,
    hasLink: i % 40 === 0,
    createdAt: new Date(base + i * 60_000).toISOString(),
    text: makeText(i, rnd),
    version: Math.floor(i / channelCount) + 1,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summarize(values: number[]): { p50: number; p99: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface BenchRequest {
  kind: string;
  q: string;
  request: OriginSearchRequest;
}

/** One timed search: the client's wall time and what the origin's Server-Timing header says. */
interface Timing {
  kind: string;
  wall: number;
  solr: number;
  qtime: number;
}

const readable = channels.slice(0, Math.floor(channelCount * 0.8));

function toRequest(kind: string, q: string): BenchRequest {
  const parsed = parseSearchQuery(q);
  if (!parsed.ok) throw new Error(`${q}: ${parsed.problem.message}`);
  return {
    kind,
    q,
    request: {
      readableChannelIds: readable,
      must: parsed.query.must,
      not: parsed.query.not,
      filters: {
        channelIds: parsed.query.channelNames.length > 0 ? readable.slice(0, 3) : undefined,
        hasLink: parsed.query.hasLink,
        isThread: parsed.query.isThread,
      },
      sort: kind === 'newest' ? 'newest' : 'relevance',
      limit: 20,
    },
  };
}

/** The fixed mix of the first measurements: 17 requests, repeated (so caches can answer). */
function fixedMix(): BenchRequest[] {
  const rnd = createRandom(7);
  const p = pickWith(rnd);
  const kinds: Record<string, string[]> = {
    word: ['deploy', 'latency', p(vocabulary), p(vocabulary)],
    twoWords: [`release ${p(vocabulary)}`, 'incident review'],
    phrase: ['"deploy release"', `"${p(vocabulary)} ${p(vocabulary)}"`],
    prefix: ['depl*', `${p(vocabulary).slice(0, 4)}*`],
    identifier: ['OPS-1234', 'grafana'],
    cjk: ['部署'],
    filtered: [`deploy in:#c has:link`, 'error is:thread'],
    newest: ['database'],
  };
  return Object.entries(kinds).flatMap(([kind, qs]) => qs.map((q) => toRequest(kind, q)));
}

/** A varied mix: every request a different query of the same kinds, so no result is cached. */
function variedMix(count: number, seed: number): BenchRequest[] {
  const rnd = createRandom(seed);
  const p = pickWith(rnd);
  const cjk = ['部署', '版本', '我们', '今天', '新版', '部署了'];
  const make: Array<[string, () => string]> = [
    ['word', () => (rnd() < 0.3 ? p(common) : p(vocabulary))],
    ['word', () => p(vocabulary)],
    ['twoWords', () => `${rnd() < 0.5 ? p(common) : p(vocabulary)} ${p(vocabulary)}`],
    ['phrase', () => `"${rnd() < 0.5 ? p(common) : p(vocabulary)} ${p(vocabulary)}"`],
    ['prefix', () => `${p(vocabulary).slice(0, 3 + Math.floor(rnd() * 3))}*`],
    ['identifier', () => (rnd() < 0.8 ? `OPS-${Math.floor(rnd() * 10_000)}` : 'grafana')],
    ['cjk', () => p(cjk)],
    ['filtered', () => `${p(common)} in:#c has:link`],
    ['filtered', () => `${p(vocabulary)} is:thread`],
    ['newest', () => p(vocabulary)],
  ];
  return Array.from({ length: count }, (_, i) => {
    const [kind, q] = make[i % make.length]!;
    return toRequest(kind, q());
  });
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const out: string[] = [];
  const emit = (...lines: string[]) => out.push(...lines);
  const f = (n: number) => n.toFixed(1);

  const solr = process.env.SOLR_URL
    ? { url: process.env.SOLR_URL, pid: undefined, stop: async () => {} }
    : await startSolr({ port: 0, heap, dataDir: keepDir, jvmArgs, onProgress: log });
  /** CPU milliseconds used so far by Solr's JVM (utime + stime, 100 ticks a second). */
  const solrCpuMs = (): number => {
    if (solr.pid === undefined) return NaN;
    const fields = readFileSync(`/proc/${solr.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  /** CPU milliseconds used so far by this process: the clients and the origin. */
  const ownCpuMs = (): number => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  };
  const secret = `bench-${crypto.randomUUID()}`;
  const originServer = await startSearchOrigin({
    solrUrl: solr.url,
    secret,
    port: 0,
    commitWithinMs,
    solrConnections: process.env.SEARCH_BENCH_SOLR_CONNECTIONS
      ? Number(process.env.SEARCH_BENCH_SOLR_CONNECTIONS)
      : undefined,
    // A cold JVM on a busy machine can take seconds for the first large batch.
    solrTimeoutMs: 30_000,
  });
  const origin = createSearchOriginClient({ url: originServer.url, secret, timeoutMs: 10_000 });
  const dir = mkdtempSync(join(tmpdir(), 'stek-search-bench-'));

  async function timedSearch(job: BenchRequest): Promise<Timing> {
    const t0 = performance.now();
    const res = await fetch(`${originServer.url}/v1/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(job.request),
    });
    await res.arrayBuffer();
    const wall = performance.now() - t0;
    if (!res.ok) throw new Error(`${job.q}: origin answered ${res.status}`);
    const timing = res.headers.get('server-timing') ?? '';
    const dur = (name: string) => Number(new RegExp(`${name};dur=([\\d.]+)`).exec(timing)?.[1]);
    return { kind: job.kind, wall, solr: dur('solr'), qtime: dur('qtime') };
  }

  async function runClients(jobs: BenchRequest[], clients: number): Promise<Timing[]> {
    const timings: Timing[] = [];
    let index = 0;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (index < jobs.length) {
          const job = jobs[index]!;
          index += 1;
          timings.push(await timedSearch(job));
        }
      }),
    );
    return timings;
  }

  // The origin counts exactly only up to a bound, so the index size is asked of Solr itself.
  async function countIndexed(): Promise<number> {
    const res = await fetch(`${solr.url}/messages/select?q=*:*&fq=deleted:false&rows=0&wt=json`);
    const body = (await res.json()) as { response: { numFound: number } };
    return body.response.numFound;
  }

  try {
    emit(
      `## Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${total.toLocaleString('en')} messages`,
      '',
      `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB; Solr heap ${heap}${jvmArgs.length > 0 ? ` (${jvmArgs.join(' ')})` : ''}; commitWithin ${commitWithinMs} ms.`,
      '',
    );

    // 1. Bulk indexing.
    const already = await countIndexed();
    if (already >= total) {
      log(`the kept index already holds ${already} messages; skipping bulk indexing`);
      emit(`Bulk indexing skipped: the kept index already held ${already} messages.`, '');
    } else {
      const loadBefore = load();
      log(`indexing ${total} messages in batches of ${batchSize}, ${writers} writers…`);
      const start = Date.now();
      const rnd = createRandom(4242);
      let next = 0;
      let lastReport = 0;
      async function writer(): Promise<void> {
        while (next < total) {
          const from = next;
          next = Math.min(total, next + batchSize);
          const docs: IndexDocument[] = [];
          for (let i = from; i < next; i += 1) docs.push(makeDocument(i, `msg_bench${i}`, rnd));
          await origin.upsert(docs);
          if (next - lastReport >= 100_000) {
            lastReport = next;
            log(`  ${next} indexed (${Math.round(next / ((Date.now() - start) / 1000))}/s)`);
          }
        }
      }
      await Promise.all(Array.from({ length: writers }, writer));
      const indexSeconds = (Date.now() - start) / 1000;
      const indexRate = Math.round(total / indexSeconds);
      log(`indexed ${total} in ${indexSeconds.toFixed(1)} s = ${indexRate}/s`);
      // Wait until the last batch is visible.
      while ((await countIndexed()) < total) await sleep(200);
      emit(
        `Bulk indexing through the origin: ${total} messages in ${indexSeconds.toFixed(1)} s = **${indexRate} messages/s** (batches of ${batchSize}, ${writers} concurrent writers; load average before ${loadBefore}, after ${load()}).`,
        '',
      );
    }

    if (process.env.SEARCH_BENCH_INDEX_ONLY === '1') {
      process.stdout.write(`${out.join('\n')}\n`);
      return;
    }

    // 2. Query latency. Every measurement first runs the mix once to warm the JVM and the
    // filter cache the way a running system would be warm.
    const fixed = fixedMix();
    const summary: string[] = [
      '| mix | clients | run | requests | p50 ms | p99 ms | Solr QTime p50 / p99 | Solr round trip p50 / p99 | CPU ms per request: Solr / origin + clients | load before → after |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ];
    const perKindRows: string[] = [];
    for (let run = 1; run <= repeats; run += 1) {
      for (const mix of ['fixed', 'varied'] as const) {
        for (const clients of [1, 10]) {
          const rounds = clients === 1 ? 30 : 60;
          const jobs =
            mix === 'fixed'
              ? Array.from({ length: rounds }, () => fixed).flat()
              : variedMix(fixed.length * rounds, 1000 * run + clients);
          await runClients(mix === 'fixed' ? fixed : variedMix(40, 99), 2);
          const loadBefore = load();
          log(`queries: ${mix} mix, ${clients} clients, run ${run}…`);
          const cpuBefore = { solr: solrCpuMs(), own: ownCpuMs() };
          const timings = await runClients(jobs, clients);
          const cpu = {
            solr: (solrCpuMs() - cpuBefore.solr) / timings.length,
            own: (ownCpuMs() - cpuBefore.own) / timings.length,
          };
          const wall = summarize(timings.map((t) => t.wall));
          const qtime = summarize(timings.map((t) => t.qtime));
          const solrRt = summarize(timings.map((t) => t.solr));
          summary.push(
            `| ${mix} | ${clients} | ${run} | ${wall.n} | ${f(wall.p50)} | ${f(wall.p99)} | ${f(qtime.p50)} / ${f(qtime.p99)} | ${f(solrRt.p50)} / ${f(solrRt.p99)} | ${f(cpu.solr)} / ${f(cpu.own)} | ${loadBefore} → ${load()} |`,
          );
          if (run === 1) {
            const kinds = [...new Set(timings.map((t) => t.kind))];
            for (const kind of kinds) {
              const of = timings.filter((t) => t.kind === kind);
              const w = summarize(of.map((t) => t.wall));
              const q = summarize(of.map((t) => t.qtime));
              perKindRows.push(
                `| ${mix} | ${clients} | ${kind} | ${w.n} | ${f(w.p50)} | ${f(w.p99)} | ${f(q.p50)} / ${f(q.p99)} |`,
              );
            }
          }
        }
      }
    }
    emit(
      'Query latency through the origin (`POST /v1/search`, 20 hits, first page with facets and highlighting, 400 readable channels). "fixed" cycles the 17 requests of the first measurements; "varied" sends a different query every time (same kinds), so Solr cannot answer from its result caches.',
      '',
      ...summary,
      '',
      'Per query kind, run 1:',
      '',
      '| mix | clients | kind | requests | p50 ms | p99 ms | Solr QTime p50 / p99 |',
      '|---|---:|---|---:|---:|---:|---:|',
      ...perKindRows,
      '',
    );

    // 3. Query latency while indexing goes on: new messages arrive at about 400/s in batches of
    // 100, so Solr opens a new searcher every commitWithin.
    {
      const loadBefore = load();
      log('queries while indexing…');
      let writing = true;
      let written = 0;
      const rnd = createRandom(777);
      const stamp = Date.now().toString(36);
      const writerLoop = (async () => {
        while (writing) {
          const docs = Array.from({ length: 100 }, (_, k) =>
            makeDocument(total + written + k, `msg_live${stamp}_${written + k}`, rnd),
          );
          written += docs.length;
          await origin.upsert(docs);
          await sleep(250);
        }
      })();
      const started = Date.now();
      const timings = await runClients(variedMix(fixed.length * 30, 5151), 1);
      writing = false;
      await writerLoop;
      const seconds = (Date.now() - started) / 1000;
      const wall = summarize(timings.map((t) => t.wall));
      const qtime = summarize(timings.map((t) => t.qtime));
      emit(
        `Query latency while indexing (${written} new messages over ${seconds.toFixed(0)} s, batches of 100, commitWithin ${commitWithinMs} ms; varied mix, 1 client): p50 ${f(wall.p50)} ms, p99 ${f(wall.p99)} ms (Solr QTime p50 ${f(qtime.p50)}, p99 ${f(qtime.p99)}); load average before ${loadBefore}, after ${load()}.`,
        '',
      );
    }

    // 4. Post-to-searchable through the real API, then search latency through the API (edge
    // query parsing, readable channels, origin, Solr, the database recheck of every hit).
    {
      const db = await openDatabase({ url: `file:${join(dir, 'stek.db')}` });
      const indexer = createSearchIndexer({ db, origin });
      const app = createApp({
        chat: { db, now: Date.now },
        onEvents: createSearchNudge(indexer),
        search: { origin },
      });
      const chat = { db, now: Date.now };
      const user = await createUser(chat, { name: 'benchuser' });
      const token = (await issueToken(chat, user.id)).token;
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const channel = (await (
        await app.request('/v1/channels', {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: 'bench' }),
        })
      ).json()) as { id: string };
      const rnd = createRandom(31);
      const posted: string[] = [];
      for (let i = 0; i < 300; i += 1) {
        const text = makeText(i, rnd);
        posted.push(text);
        await app.request(`/v1/channels/${channel.id}/messages`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ text }),
        });
      }
      const visible: number[] = [];
      for (let i = 0; i < 20; i += 1) {
        const word = `visible${i}x${Date.now().toString(36)}`;
        const t0 = performance.now();
        await app.request(`/v1/channels/${channel.id}/messages`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ text: `${word} posted` }),
        });
        for (;;) {
          const res = await app.request(`/v1/search?q=${word}`, { headers });
          const body = (await res.json()) as { total: number };
          if (body.total > 0) break;
          await sleep(20);
        }
        visible.push(performance.now() - t0);
      }
      const v = summarize(visible);
      emit(
        `Post-to-searchable through the API (20 posts, nudge + commitWithin ${commitWithinMs} ms): p50 ${f(v.p50)} ms, max ${f(Math.max(...visible))} ms.`,
        '',
      );

      const loadBefore = load();
      const apiMs: number[] = [];
      let hits = 0;
      const queries = variedMix(200, 8080).filter((r) => r.kind !== 'filtered');
      for (const { q } of queries) {
        const t0 = performance.now();
        const res = await app.request(`/v1/search?q=${encodeURIComponent(q)}&limit=20`, {
          headers,
        });
        const body = (await res.json()) as { results?: unknown[] };
        apiMs.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`${q}: API answered ${res.status}`);
        hits += body.results?.length ?? 0;
      }
      const a = summarize(apiMs);
      emit(
        `Search through the API (\`GET /v1/search\`, in-process app with libSQL, the user reads one channel of 300 messages inside the ${total.toLocaleString('en')}-message index; ${a.n} varied queries, ${hits} hits rechecked against the database, 1 client): p50 ${f(a.p50)} ms, p99 ${f(a.p99)} ms; load average before ${loadBefore}, after ${load()}.`,
      );
      await indexer.stop();
      await db.close();
    }

    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await originServer.stop();
    await solr.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
