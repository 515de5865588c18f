import { describe, expect, inject, it } from 'vitest';
import { readOriginConfig } from '../../origin-search/src/config.ts';
import { parseSearchQuery } from '../../src/search/query.ts';

const url = inject('originUrl');
const secret = inject('originSecret');

async function post(path: string, body: unknown, token = secret) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const query = {
  must: [{ kind: 'word', value: 'x' }],
  not: [],
  filters: {},
  sort: 'relevance',
  limit: 5,
};

describe('the search origin', () => {
  it('refuses callers without the shared secret', async () => {
    const res = await post('/v1/search', { ...query, readableChannelIds: ['ch_a'] }, 'wrong');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('refuses a search without the readable channel set', async () => {
    for (const readableChannelIds of [undefined, []]) {
      const res = await post('/v1/search', { ...query, readableChannelIds });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toContain('readableChannelIds');
    }
  });

  it('refuses channel ids that carry query syntax', async () => {
    const res = await post('/v1/search', { ...query, readableChannelIds: ['a,b', '*:*'] });
    expect(res.status).toBe(400);
  });

  it('reports Solr health', async () => {
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).solr.ok).toBe(true);
  });

  it('names the missing variable when its configuration is incomplete', () => {
    expect(() => readOriginConfig({ SOLR_URL: 'http://127.0.0.1:1/solr' })).toThrow(
      /SEARCH_ORIGIN_SECRET/,
    );
    expect(() => readOriginConfig({ SEARCH_ORIGIN_SECRET: 'x'.repeat(20), PORT: 'abc' })).toThrow(
      /PORT/,
    );
  });
});

describe('parseSearchQuery', () => {
  it('parses words, phrases, prefixes, exclusions and operators', () => {
    const parsed = parseSearchQuery(
      'deploy "exact words" pre* -noise -"bad phrase" in:#Ops from:@Ann on:2024-02-29 has:link is:thread https://x.test/a:b',
    );
    expect(parsed).toEqual({
      ok: true,
      query: {
        must: [
          { kind: 'word', value: 'deploy' },
          { kind: 'phrase', value: 'exact words' },
          { kind: 'prefix', value: 'pre' },
          { kind: 'word', value: 'https://x.test/a:b' },
        ],
        not: [
          { kind: 'word', value: 'noise' },
          { kind: 'phrase', value: 'bad phrase' },
        ],
        channelNames: ['ops'],
        userNames: ['ann'],
        createdFrom: '2024-02-29T00:00:00.000Z',
        createdBefore: '2024-03-01T00:00:00.000Z',
        hasLink: true,
        isThread: true,
      },
    });
  });

  it('narrows several date operators to their overlap', () => {
    const parsed = parseSearchQuery('x after:2024-01-01 before:2024-02-01 after:2024-01-10');
    expect(parsed.ok && [parsed.query.createdFrom, parsed.query.createdBefore]).toEqual([
      '2024-01-11T00:00:00.000Z',
      '2024-02-01T00:00:00.000Z',
    ]);
  });

  it('refuses impossible dates', () => {
    const parsed = parseSearchQuery('x on:2023-02-29');
    expect(parsed).toEqual({
      ok: false,
      problem: { message: 'on: wants a date as YYYY-MM-DD', token: 'on:2023-02-29', position: 2 },
    });
  });
});
