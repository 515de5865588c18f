import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compileSearch, escapeTerm } from '../../origin-search/src/compile.ts';
import { startSearchOrigin, type RunningSearchOrigin } from '../../origin-search/src/server.ts';
import { markEnd, markStart, type IndexDocument } from '../../src/search/contract.ts';
import { createSearchOriginClient, type SearchOrigin } from '../../src/search/origin-client.ts';
import { parseSearchQuery } from '../../src/search/query.ts';
import { uniqueName } from './helpers.ts';

const solrUrl = inject('solrUrl');
const secret = inject('originSecret');
const origin = createSearchOriginClient({ url: inject('originUrl'), secret });
const channelId = uniqueName('ch_prefix');

const texts: Record<string, string> = {
  noun: 'Deployment finished at noon',
  verb: 'DEPLOYING now, see OPS-1234',
  inner: 'we redeployed twice',
  short: 'dep only',
  script: 'ran deploy_v2.sh again',
  hosts: 'hosts db1.prod.example and https://grafana.example.com/d/x',
  accents: 'Café crème',
  long: 'supercalifragilisticexpialidocious is a long word',
  fullwidth: 'ＦＵＬＬＷＩＤＴＨ letters',
  cjk: '部署了 デプロイ',
};
const ids = Object.fromEntries(Object.keys(texts).map((k) => [k, uniqueName(`m_${k}_`)]));
const keyOf = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));

async function searchWith(client: SearchOrigin, q: string, channel: string, limit = 50) {
  const parsed = parseSearchQuery(q);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return client.search({
    readableChannelIds: [channel],
    must: parsed.query.must,
    not: parsed.query.not,
    filters: {},
    sort: 'relevance',
    limit,
  });
}

async function find(q: string): Promise<string[]> {
  const res = await searchWith(origin, q, channelId);
  return res.hits.map((h) => keyOf[h.id]!).sort();
}

/** What a plain prefix query on the token fields finds, asked of Solr directly. */
async function findByPrefixQuery(prefix: string): Promise<string[]> {
  const term = `${escapeTerm(prefix)}*`;
  const params = new URLSearchParams({
    q: `text_ident:${term} OR text_cjk:${term}`,
    fq: `channel_id:${channelId}`,
    fl: 'id',
    rows: '50',
    wt: 'json',
  });
  const res = await fetch(`${solrUrl}/messages/select?${params}`);
  const body = (await res.json()) as { response: { docs: Array<{ id: string }> } };
  return body.response.docs.map((d) => keyOf[d.id]!).sort();
}

function document(id: string, channel: string, text: string, i: number): IndexDocument {
  return {
    id,
    channelId: channel,
    authorId: `usr_prefix${i % 2}`,
    threadId: null,
    seq: i + 1,
    isThread: false,
    hasLink: false,
    createdAt: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(),
    text,
    version: i + 1,
  };
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

beforeAll(async () => {
  await origin.upsert(
    Object.entries(texts).map(([key, text], i) => document(ids[key]!, channelId, text, i)),
  );
  await waitFor(async () => (await find('Café')).length > 0);
});

describe('prefix search', () => {
  it('finds words by their start only, in any case, through the n-gram fields', async () => {
    expect(await find('depl*')).toEqual(['noun', 'script', 'verb']);
    expect(await find('DEPL*')).toEqual(['noun', 'script', 'verb']);
    expect(await find('dep*')).toEqual(['noun', 'script', 'short', 'verb']);
    expect(await find('redep*')).toEqual(['inner']);
    expect(await find('d*')).toEqual(['hosts', 'noun', 'script', 'short', 'verb']);
  });

  it('finds the same messages as a prefix query on the token fields would', async () => {
    const prefixes = [
      'd',
      'de',
      'dep',
      'depl',
      'deploy',
      'deployment',
      'redep',
      'ops',
      'ops1',
      '12',
      '1234',
      'db1',
      'prod',
      'exam',
      'graf',
      'https',
      'caf',
      'cafe',
      'crem',
      'v2',
      'sh',
      'full',
      'fullwidth',
      'supercalifragil',
      'supercalifragili',
      'x',
      'zzz',
      // Not letters and digits only: these are prefix queries themselves.
      'ops-12',
      'db1.pr',
      'café',
      'デプ',
      '部',
    ];
    for (const prefix of prefixes) {
      expect(await find(`${prefix}*`), prefix).toEqual(await findByPrefixQuery(prefix));
    }
  });

  it('finds prefixes longer than the longest n-gram, up to the whole word', async () => {
    expect(await find('supercalifragil*')).toEqual(['long']);
    expect(await find('supercalifragili*')).toEqual(['long']);
    expect(await find('supercalifragilisticexpialidocious*')).toEqual(['long']);
    expect(await find('supercalifragilisticexpialidociousness*')).toEqual([]);
  });

  it('finds identifiers, folded accents and fullwidth letters by a prefix', async () => {
    expect(await find('ops-12*')).toEqual(['verb']);
    expect(await find('db1.pr*')).toEqual(['hosts']);
    expect(await find('cafe*')).toEqual(['accents']);
    expect(await find('café*')).toEqual(['accents']);
    expect(await find('fullw*')).toEqual(['fullwidth']);
  });

  it('marks the whole word that starts with the prefix in the snippet', async () => {
    const res = await searchWith(origin, 'deploym*', channelId);
    expect(res.hits.map((h) => h.snippet)).toEqual([
      `${markStart}Deployment${markEnd} finished at noon`,
    ]);
  });

  it('combines an n-gram prefix with words and exclusions', async () => {
    expect(await find('depl* now')).toEqual(['verb']);
    expect(await find('dep* -only')).toEqual(['noun', 'script', 'verb']);
  });
});

describe('totals and facets of broad searches', () => {
  let bounded: RunningSearchOrigin;
  let client: SearchOrigin;
  const channel = uniqueName('ch_bound');
  const tag = uniqueName('broad');

  beforeAll(async () => {
    // An origin that counts exactly only up to 5 matches, in front of the same Solr.
    bounded = await startSearchOrigin({ solrUrl, secret, port: 0, exactCountBound: 5 });
    client = createSearchOriginClient({ url: bounded.url, secret });
    const docs = Array.from({ length: 40 }, (_, i) =>
      document(uniqueName('m_broad'), channel, `${tag} ${i < 3 ? 'narrow' : 'wide'} m${i}`, i),
    );
    await client.upsert(docs);
    await waitFor(async () => (await searchWith(client, `${tag} narrow`, channel)).total === 3);
  });
  afterAll(async () => {
    await bounded?.stop();
  });

  it('reports a broad search total as a lower bound and counts no facets for it', async () => {
    for (const sort of ['relevance', 'newest'] as const) {
      const parsed = parseSearchQuery(tag);
      if (!parsed.ok) throw new Error(parsed.problem.message);
      const res = await client.search({
        readableChannelIds: [channel],
        must: parsed.query.must,
        not: [],
        filters: {},
        sort,
        limit: 2,
      });
      expect(res.hits, sort).toHaveLength(2);
      expect(res.totalIsExact, sort).toBe(false);
      expect(res.total, sort).toBe(5);
      expect(res.facetsCounted, sort).toBe(false);
      expect(res.facets, sort).toEqual({ channels: [], authors: [] });
    }
  });

  it('still pages through every match of a broad search', async () => {
    const seen = new Set<string>();
    let cursor: string | undefined;
    const parsed = parseSearchQuery(tag);
    if (!parsed.ok) throw new Error(parsed.problem.message);
    for (let page = 0; page < 10; page += 1) {
      const res = await client.search({
        readableChannelIds: [channel],
        must: parsed.query.must,
        not: [],
        filters: {},
        sort: 'relevance',
        limit: 15,
        cursor,
      });
      for (const hit of res.hits) seen.add(hit.id);
      cursor = res.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(seen.size).toBe(40);
  });

  it('counts the exact total and the facets of a search within the bound', async () => {
    const res = await searchWith(client, `${tag} narrow`, channel);
    expect(res.total).toBe(3);
    expect(res.totalIsExact).toBe(true);
    expect(res.facetsCounted).toBe(true);
    expect(res.facets.channels).toEqual([{ id: channel, count: 3 }]);
    expect(res.facets.authors.map((f) => f.count).sort()).toEqual([1, 2]);
  });

  it('gives the exact total of a broad search through the default origin', async () => {
    const res = await searchWith(origin, tag, channel, 2);
    expect(res.total).toBe(40);
    expect(res.totalIsExact).toBe(true);
    expect(res.facets.channels).toEqual([{ id: channel, count: 40 }]);
  });
});

describe('compiling a prefix', () => {
  const compile = (value: string) =>
    String(
      compileSearch(
        {
          readableChannelIds: ['ch_a'],
          must: [{ kind: 'prefix', value }],
          not: [],
          filters: {},
          sort: 'relevance',
          limit: 20,
        },
        '*',
      ).q,
    );

  it('looks up 1 to 15 ASCII letters and digits as one n-gram term, lowercased', () => {
    expect(compile('Depl')).toBe('+(text_ident_prefix:"depl" OR text_cjk_prefix:"depl")');
    expect(compile('a'.repeat(15))).toContain('text_cjk_prefix:');
  });

  it('keeps a prefix query for longer prefixes and for any other character', () => {
    for (const value of ['a'.repeat(16), 'ops-12', 'café', '部署']) {
      expect(compile(value), value).not.toContain('_prefix:');
      expect(compile(value), value).toContain('text_cjk:');
    }
  });
});
