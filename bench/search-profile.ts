/**
 * Where Solr spends a search: runs each query of the benchmark's kinds against a kept benchmark
 * index with `debug=timing` and prints, per kind, the median time of the query itself, the
 * facets and the highlighting, plus the QTime with and without facets and highlighting.
 *
 *   SEARCH_BENCH_DIR=/path/to/kept/index npx tsx bench/search-profile.ts [rounds=5]
 *
 * (Fill the index first with `SEARCH_BENCH_DIR=… npx tsx bench/search-bench.ts 1000000`.)
 */
import { startSolr } from '../origin-search/solr/launcher.ts';
import { compileSearch } from '../origin-search/src/compile.ts';
import { createSolrIndex, type SolrParams } from '../origin-search/src/solr.ts';
import { parseSearchQuery } from '../src/search/query.ts';

const dataDir = process.env.SEARCH_BENCH_DIR;
const rounds = Number(process.argv[2] ?? 5);
if (!dataDir) {
  process.stderr.write('set SEARCH_BENCH_DIR to a kept benchmark index\n');
  process.exit(2);
}

const channels = Array.from({ length: 500 }, (_, i) => `ch_bench${i}`);
const readable = channels.slice(0, 400);

const queries: Array<[string, string]> = [
  ['common word', 'deploy'],
  ['rare word', 'kadeser'],
  ['two words', 'incident review'],
  ['phrase', '"deploy release"'],
  ['prefix', 'depl*'],
  ['short prefix', 'kar*'],
  ['identifier', 'OPS-1234'],
  ['link word', 'grafana'],
  ['cjk', '部署'],
  ['filtered', 'deploy has:link'],
  ['newest', 'database'],
];

interface Timing {
  debug?: { timing?: { process?: Record<string, { time: number }> & { time: number } } };
  responseHeader?: { QTime?: number };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const solr = await startSolr({ port: 0, heap: process.env.SEARCH_BENCH_HEAP ?? '4g', dataDir });
  const index = createSolrIndex({ url: solr.url, core: 'messages', timeoutMs: 60_000 });
  try {
    const rows: string[] = [
      '| kind | query | hits | query ms | facet ms | highlight ms | QTime | QTime bare |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
    ];
    for (const [kind, q] of queries) {
      const parsed = parseSearchQuery(q);
      if (!parsed.ok) throw new Error(parsed.problem.message);
      const params = compileSearch(
        {
          readableChannelIds: readable,
          must: parsed.query.must,
          not: parsed.query.not,
          filters: { hasLink: parsed.query.hasLink, isThread: parsed.query.isThread },
          sort: kind === 'newest' ? 'newest' : 'relevance',
          limit: 20,
        },
        '*',
      );
      const bare: SolrParams = { ...params, hl: false, facet: false };
      const parts = { query: [] as number[], facet: [] as number[], highlight: [] as number[] };
      const qtimes: number[] = [];
      const bareQtimes: number[] = [];
      let hits = 0;
      // The first round warms caches and the JVM; it is not counted.
      for (let round = 0; round <= rounds; round += 1) {
        const timed = (await index.select({ ...params, debug: 'timing' })) as unknown as Timing & {
          response: { numFound: number };
        };
        const plain = (await index.select(bare)) as unknown as Timing;
        if (round === 0) continue;
        hits = timed.response.numFound;
        const process = timed.debug?.timing?.process;
        parts.query.push(process?.query?.time ?? NaN);
        parts.facet.push(process?.facet?.time ?? 0);
        parts.highlight.push(process?.highlight?.time ?? 0);
        qtimes.push(timed.responseHeader?.QTime ?? NaN);
        bareQtimes.push(plain.responseHeader?.QTime ?? NaN);
      }
      rows.push(
        `| ${kind} | \`${q}\` | ${hits} | ${median(parts.query)} | ${median(parts.facet)} | ${median(parts.highlight)} | ${median(qtimes)} | ${median(bareQtimes)} |`,
      );
    }
    process.stdout.write(`${rows.join('\n')}\n`);
  } finally {
    index.close();
    await solr.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
