/**
 * Where Solr spends a search: runs each query of the benchmark's kinds against a kept benchmark
 * index the way the origin does (the page with `debug=timing`, then the facet request when the
 * total is exact and within the bound) and prints, per kind, the median time of the query
 * itself and of the highlighting, the facet request's QTime, and the QTime of the page with and
 * without highlighting.
 *
 *   SEARCH_BENCH_DIR=/path/to/kept/index npx tsx bench/search-profile.ts [rounds=5]
 *
 * SEARCH_PROFILE_EXTRA='{"hl.requireFieldMatch":true}' adds Solr parameters to every page
 * request, to compare settings.
 *
 * (Fill the index first with `SEARCH_BENCH_DIR=… npx tsx bench/search-bench.ts 1000000`.)
 */
import { startSolr } from '../origin-search/solr/launcher.ts';
import {
  compileFacets,
  compileSearch,
  defaultExactCountBound,
} from '../origin-search/src/compile.ts';
import { createSolrIndex, type SolrParams } from '../origin-search/src/solr.ts';
import { parseSearchQuery } from '../src/search/query.ts';

const dataDir = process.env.SEARCH_BENCH_DIR;
const rounds = Number(process.argv[2] ?? 5);
const extra = JSON.parse(process.env.SEARCH_PROFILE_EXTRA ?? '{}') as SolrParams;
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
      '| kind | query | hits | query ms | highlight ms | facet request QTime | QTime | QTime without highlighting |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
    ];
    for (const [kind, q] of queries) {
      const parsed = parseSearchQuery(q);
      if (!parsed.ok) throw new Error(parsed.problem.message);
      const request = {
        readableChannelIds: readable,
        must: parsed.query.must,
        not: parsed.query.not,
        filters: { hasLink: parsed.query.hasLink, isThread: parsed.query.isThread },
        sort: kind === 'newest' ? ('newest' as const) : ('relevance' as const),
        limit: 20,
      };
      const params = { ...compileSearch(request, '*'), ...extra };
      const bare: SolrParams = { ...params, hl: false };
      const parts = { query: [] as number[], highlight: [] as number[], facets: [] as number[] };
      const qtimes: number[] = [];
      const bareQtimes: number[] = [];
      let hits = '';
      // The first round warms caches and the JVM; it is not counted.
      for (let round = 0; round <= rounds; round += 1) {
        const timed = (await index.select({ ...params, debug: 'timing' })) as unknown as Timing & {
          response: { numFound: number; numFoundExact?: boolean };
        };
        const exact = timed.response.numFoundExact !== false;
        const found = timed.response.numFound;
        const facetQtime =
          exact && found > 0 && found <= defaultExactCountBound
            ? ((await index.select(compileFacets(request))) as unknown as Timing).responseHeader
                ?.QTime
            : 0;
        const plain = (await index.select(bare)) as unknown as Timing;
        if (round === 0) continue;
        hits = exact ? String(found) : `≥ ${found}`;
        const process = timed.debug?.timing?.process;
        parts.query.push(process?.query?.time ?? NaN);
        parts.highlight.push(process?.highlight?.time ?? 0);
        parts.facets.push(facetQtime ?? NaN);
        qtimes.push(timed.responseHeader?.QTime ?? NaN);
        bareQtimes.push(plain.responseHeader?.QTime ?? NaN);
      }
      rows.push(
        `| ${kind} | \`${q}\` | ${hits} | ${median(parts.query)} | ${median(parts.highlight)} | ${median(parts.facets)} | ${median(qtimes)} | ${median(bareQtimes)} |`,
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
