import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { IndexDocument, SearchClause } from '../../src/search/contract.ts';
import { createSearchOriginClient } from '../../src/search/origin-client.ts';
import { parseSearchQuery } from '../../src/search/query.ts';
import { uniqueName } from './helpers.ts';

const origin = createSearchOriginClient({
  url: inject('originUrl'),
  secret: inject('originSecret'),
});
const channelId = uniqueName('ch_schema');

const texts: Record<string, string> = {
  stem: 'We were deploying the new build all afternoon',
  prefix: 'the deployment pipeline is green again',
  zh: '我们今天部署了新版本的支付服务',
  ja: '東京のサーバーでデプロイしました',
  phrase: 'the quick brown fox jumps over the lazy dog',
  phraseSwap: 'the brown quick fox is a different animal',
  accents: 'Rendez-vous au Café Crème pour la réunion',
  upper: 'KUBERNETES CLUSTER UPGRADE TONIGHT',
  url: 'dashboards live at https://grafana.example.com/d/latency-panel?orgId=1 now',
  ticket: 'blocked on OPS-1234 until the vendor answers',
  host: 'disk is full on db1.prod.example again',
  file: 'run deploy_v2.sh with care',
  emoji: 'ship it 🚀 today',
};
const ids = Object.fromEntries(Object.keys(texts).map((k) => [k, uniqueName(`m_${k}_`)]));

async function find(q: string): Promise<string[]> {
  const parsed = parseSearchQuery(q);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  const res = await origin.search({
    readableChannelIds: [channelId],
    must: parsed.query.must,
    not: parsed.query.not,
    filters: {},
    sort: 'relevance',
    limit: 50,
  });
  const byId = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  return res.hits.map((h) => byId[h.id]!).sort();
}

beforeAll(async () => {
  const docs: IndexDocument[] = Object.entries(texts).map(([key, text], i) => ({
    id: ids[key]!,
    channelId,
    authorId: 'usr_schema',
    threadId: null,
    seq: i + 1,
    isThread: false,
    hasLink: text.includes('https://'),
    createdAt: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(),
    text,
    version: i + 1,
  }));
  await origin.upsert(docs);
  // Wait for the soft commit that makes them visible.
  const deadline = Date.now() + 5000;
  while ((await find('the')).length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
});

describe('the message schema', () => {
  it('finds inflected English words by their stem', async () => {
    expect(await find('deploys')).toEqual(['stem']);
    expect(await find('deployed')).toEqual(['stem']);
  });

  it('finds words by a prefix', async () => {
    expect(await find('deploy*')).toEqual(['file', 'prefix', 'stem']);
  });

  it('finds Chinese and Japanese words inside unspaced text', async () => {
    expect(await find('部署')).toEqual(['zh']);
    expect(await find('支付服务')).toEqual(['zh']);
    expect(await find('東京')).toEqual(['ja']);
    expect(await find('デプロイ')).toEqual(['ja']);
  });

  it('matches an exact phrase only in that order, with CJK analysis on', async () => {
    expect(await find('"quick brown fox"')).toEqual(['phrase']);
    expect(await find('"brown quick fox"')).toEqual(['phraseSwap']);
  });

  it('folds case and diacritics both ways', async () => {
    expect(await find('cafe creme')).toEqual(['accents']);
    expect(await find('réunion')).toEqual(['accents']);
    expect(await find('kubernetes')).toEqual(['upper']);
    expect(await find('Kubernetes')).toEqual(['upper']);
  });

  it('finds a word inside a link', async () => {
    expect(await find('grafana')).toEqual(['url']);
    expect(await find('latency')).toEqual(['url']);
  });

  it('finds identifiers whole and by their parts', async () => {
    expect(await find('OPS-1234')).toEqual(['ticket']);
    expect(await find('ops-1234')).toEqual(['ticket']);
    expect(await find('1234')).toEqual(['ticket']);
    expect(await find('db1.prod.example')).toEqual(['host']);
    expect(await find('prod')).toEqual(['host']);
    expect(await find('deploy_v2.sh')).toEqual(['file']);
    expect(await find('v2')).toEqual(['file']);
  });

  it('finds phrases that span plain words and identifiers', async () => {
    expect(await find('"blocked on OPS-1234"')).toEqual(['ticket']);
    expect(await find('"OPS-1234 until"')).toEqual(['ticket']);
    expect(await find('"full on db1.prod.example"')).toEqual(['host']);
    expect(await find('"run deploy_v2.sh"')).toEqual(['file']);
  });

  it('finds words next to CJK text and fullwidth letters', async () => {
    expect(await find('サーバー')).toEqual(['ja']);
    expect(await find('ＫＵＢＥＲＮＥＴＥＳ')).toEqual(['upper']);
  });

  it('finds emoji', async () => {
    expect(await find('🚀')).toEqual(['emoji']);
  });

  it('excludes words and phrases', async () => {
    expect(await find('fox -lazy')).toEqual(['phraseSwap']);
    expect(await find('fox -"quick fox"')).toEqual(['phrase']);
  });

  it('treats Lucene syntax inside values as plain text', async () => {
    const hostile: SearchClause[] = [
      { kind: 'word', value: '*:*' },
      { kind: 'word', value: 'fox) OR (*:*' },
      { kind: 'phrase', value: 'a" OR "*:*' },
      { kind: 'word', value: '{!lucene}*:*' },
      { kind: 'prefix', value: '*:' },
      { kind: 'word', value: 'OR' },
      { kind: 'word', value: '\\' },
    ];
    for (const clause of hostile) {
      const res = await origin.search({
        readableChannelIds: [channelId],
        must: [clause],
        not: [],
        filters: {},
        sort: 'relevance',
        limit: 50,
      });
      expect(res.total, JSON.stringify(clause)).toBe(0);
    }
  });
});
