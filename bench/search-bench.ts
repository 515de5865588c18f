/**
 * Search benchmark: bulk indexing through the origin, query latency for a mix of query kinds at
 * 1 and 10 concurrent clients, and post-to-searchable latency through the real API.
 *
 *   npx tsx bench/search-bench.ts [messages=200000]
 *
 * Starts its own Solr (or uses SOLR_URL) and origin; prints a Markdown summary.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
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
const batchSize = 2000;
const writers = 2;
const channelCount = 500;

// A deterministic generator so runs are comparable.
let seed = 42;
function random(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;

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

function makeText(i: number): string {
  const words = Array.from({ length: 8 + Math.floor(random() * 20) }, () =>
    random() < 0.1 ? pick(common) : pick(vocabulary),
  );
  if (i % 50 === 0) words.push(`OPS-${i % 10_000}`);
  if (i % 40 === 0) words.push(`https://grafana.example.test/d/${pick(vocabulary)}`);
  if (i % 100 === 0) words.push('我们今天部署了新版本');
  return words.join(' ');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const solr = process.env.SOLR_URL
    ? { url: process.env.SOLR_URL, stop: async () => {} }
    : await startSolr({ port: 0, heap: '4g', onProgress: log });
  const secret = `bench-${crypto.randomUUID()}`;
  const originServer = await startSearchOrigin({
    solrUrl: solr.url,
    secret,
    port: 0,
    commitWithinMs: 1000,
  });
  const origin = createSearchOriginClient({ url: originServer.url, secret, timeoutMs: 10_000 });
  const channels = Array.from({ length: channelCount }, (_, i) => `ch_bench${i}`);
  const authors = Array.from({ length: 200 }, (_, i) => `usr_bench${i}`);
  const dir = mkdtempSync(join(tmpdir(), 'stek-search-bench-'));

  try {
    // 1. Bulk indexing.
    log(`indexing ${total} messages in batches of ${batchSize}, ${writers} writers…`);
    const start = Date.now();
    const base = Date.UTC(2023, 0, 1);
    let next = 0;
    let lastReport = 0;
    async function writer(): Promise<void> {
      while (next < total) {
        const from = next;
        next = Math.min(total, next + batchSize);
        const docs: IndexDocument[] = [];
        for (let i = from; i < next; i += 1) {
          docs.push({
            id: `msg_bench${i}`,
            channelId: channels[i % channelCount]!,
            authorId: authors[i % authors.length]!,
            threadId: null,
            seq: Math.floor(i / channelCount) + 1,
            isThread: i % 30 === 0,
            hasLink: i % 40 === 0,
            createdAt: new Date(base + i * 60_000).toISOString(),
            text: makeText(i),
            version: Math.floor(i / channelCount) + 1,
          });
        }
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
    const readable = channels.slice(0, Math.floor(channelCount * 0.8));
    const all: OriginSearchRequest = {
      readableChannelIds: channels,
      must: [],
      not: [],
      filters: {},
      sort: 'newest',
      limit: 1,
    };
    while ((await origin.search(all)).total < total) await new Promise((r) => setTimeout(r, 200));

    // 2. Query latency.
    const kinds: Record<string, string[]> = {
      word: ['deploy', 'latency', pick(vocabulary), pick(vocabulary)],
      twoWords: [`release ${pick(vocabulary)}`, 'incident review'],
      phrase: ['"deploy release"', `"${pick(vocabulary)} ${pick(vocabulary)}"`],
      prefix: ['depl*', `${pick(vocabulary).slice(0, 4)}*`],
      identifier: ['OPS-1234', 'grafana'],
      cjk: ['部署'],
      filtered: [`deploy in:#c has:link`, 'error is:thread'],
      newest: ['database'],
    };
    const requests = Object.entries(kinds).flatMap(([kind, queries]) =>
      queries.map((q) => {
        const parsed = parseSearchQuery(q);
        if (!parsed.ok) throw new Error(`${q}: ${parsed.problem.message}`);
        const request: OriginSearchRequest = {
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
        };
        return { kind, request };
      }),
    );
    const latency: Array<{ clients: number; kind: string; p50: number; p99: number; n: number }> =
      [];
    for (const clients of [1, 10]) {
      const perKind = new Map<string, number[]>();
      const rounds = clients === 1 ? 30 : 60;
      // Warm the caches the way a running system would be warm.
      for (const r of requests) await origin.search(r.request);
      let index = 0;
      const jobs = requests.length * rounds;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (index < jobs) {
            const job = requests[index % requests.length]!;
            index += 1;
            const t0 = performance.now();
            await origin.search(job.request);
            const ms = performance.now() - t0;
            if (!perKind.has(job.kind)) perKind.set(job.kind, []);
            perKind.get(job.kind)!.push(ms);
          }
        }),
      );
      const allMs: number[] = [];
      for (const [kind, values] of perKind) {
        values.sort((a, b) => a - b);
        allMs.push(...values);
        latency.push({
          clients,
          kind,
          p50: percentile(values, 50),
          p99: percentile(values, 99),
          n: values.length,
        });
      }
      allMs.sort((a, b) => a - b);
      latency.push({
        clients,
        kind: 'all',
        p50: percentile(allMs, 50),
        p99: percentile(allMs, 99),
        n: allMs.length,
      });
    }

    // 3. Post-to-searchable through the real API.
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
        await new Promise((r) => setTimeout(r, 20));
      }
      visible.push(performance.now() - t0);
    }
    visible.sort((a, b) => a - b);
    await indexer.stop();
    await db.close();

    const f = (n: number) => n.toFixed(1);
    const lines = [
      `## Run of ${new Date().toISOString().slice(0, 10)}: ${total.toLocaleString('en')} messages`,
      '',
      `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB; Solr heap 4g.`,
      '',
      `Bulk indexing through the origin: ${total} messages in ${indexSeconds.toFixed(1)} s = **${indexRate} messages/s** (batches of ${batchSize}, ${writers} concurrent writers).`,
      '',
      '| clients | query kind | requests | p50 ms | p99 ms |',
      '|---:|---|---:|---:|---:|',
      ...latency.map((l) => `| ${l.clients} | ${l.kind} | ${l.n} | ${f(l.p50)} | ${f(l.p99)} |`),
      '',
      `Post-to-searchable through the API (20 posts, nudge + commitWithin 1000 ms): p50 ${f(percentile(visible, 50))} ms, max ${f(visible[visible.length - 1]!)} ms.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
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
