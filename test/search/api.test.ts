import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSearchTestApp,
  resultIds,
  type Reply,
  uniqueName,
  type SearchTestApp,
  type TestUser,
} from './helpers.ts';

let t: SearchTestApp;
let alice: TestUser;
let bob: TestUser;
let general: { id: string; name: string };

const found = (id: string) => (r: Reply) => resultIds(r).includes(id);

beforeAll(async () => {
  t = await createSearchTestApp();
  alice = await t.user();
  bob = await t.user();
  general = await t.channel(alice);
  await t.call('POST', `/v1/channels/${general.id}/join`, bob);
});
afterAll(() => t.close());

describe('GET /v1/search', () => {
  // How soon is measured by bench/search-bench.ts (post-to-searchable, about 1 s); here, that a
  // post reaches the index through the event log by itself, with no reindex.
  it('finds a message soon after it is posted, with its channel, author and snippet', async () => {
    const word = uniqueName('fresh');
    const posted = await t.post(alice, general.id, `the ${word} release is out`);
    const res = await t.searchUntil(bob, word, found(posted.id), 10_000);
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(1);
    const [hit] = res.body.results;
    expect(hit.message).toMatchObject({ id: posted.id, channelId: general.id, authorId: alice.id });
    expect(hit.channel).toEqual({ id: general.id, name: general.name });
    expect(hit.author).toEqual({ id: alice.id, name: alice.name });
    expect(hit.snippet).toContain(`<mark>${word}</mark>`);
  });

  it('escapes message HTML in snippets and keeps only <mark> as markup', async () => {
    const word = uniqueName('xss');
    const posted = await t.post(alice, general.id, `<script>alert(1)</script> ${word} & "quotes"`);
    const res = await t.searchUntil(alice, word, found(posted.id));
    const snippet: string = res.body.results[0].snippet;
    expect(snippet).toContain('&lt;script&gt;');
    expect(snippet).toContain('&amp; &quot;quotes&quot;');
    expect(snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
  });

  it('filters by channel, author, link, thread and date, and counts facets', async () => {
    const tag = uniqueName('facet');
    const other = await t.channel(bob);
    const root = await t.post(alice, general.id, `${tag} root of a thread`);
    const reply = await t.post(bob, general.id, `${tag} a reply`, root.id);
    const link = await t.post(bob, other.id, `${tag} see https://example.test/page`);
    await t.searchUntil(alice, tag, (r) => r.body.total === 3);

    const ids = async (q: string) => resultIds(await t.search(alice, q)).sort();
    expect(await ids(`${tag} in:#${other.name}`)).toEqual([link.id]);
    expect(await ids(`${tag} from:@${bob.name}`)).toEqual([link.id, reply.id].sort());
    expect(await ids(`${tag} has:link`)).toEqual([link.id]);
    await t.searchUntil(alice, `${tag} is:thread`, (r) => r.body.total === 2);
    expect(await ids(`${tag} is:thread`)).toEqual([root.id, reply.id].sort());
    const today = new Date().toISOString().slice(0, 10);
    expect(await ids(`${tag} on:${today}`)).toHaveLength(3);
    expect(await ids(`${tag} before:${today}`)).toEqual([]);
    expect(await ids(`${tag} after:2000-01-01`)).toHaveLength(3);

    const res = await t.search(alice, tag);
    const channels = Object.fromEntries(
      res.body.facets.channels.map((f: any) => [f.name, f.count]),
    );
    expect(channels).toEqual({ [general.name]: 2, [other.name]: 1 });
    const authors = Object.fromEntries(res.body.facets.authors.map((f: any) => [f.name, f.count]));
    expect(authors).toEqual({ [alice.name]: 1, [bob.name]: 2 });
  });

  it('sorts newest first and pages with a cursor without repeats', async () => {
    const tag = uniqueName('page');
    const posted: string[] = [];
    for (let i = 0; i < 5; i += 1)
      posted.push((await t.post(alice, general.id, `${tag} n${i}`)).id);
    await t.searchUntil(alice, tag, (r) => r.body.total === 5);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page += 1) {
      const params: Record<string, string> = { sort: 'newest', limit: '2' };
      if (cursor) params.cursor = cursor;
      const res = await t.search(alice, tag, params);
      expect(res.status).toBe(200);
      seen.push(...resultIds(res));
      cursor = res.body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(seen).toEqual([...posted].reverse());
  });

  it('counts facets on the first page and leaves them empty on the pages after it', async () => {
    const tag = uniqueName('facetpage');
    for (let i = 0; i < 3; i += 1) await t.post(bob, general.id, `${tag} m${i}`);
    await t.searchUntil(alice, tag, (r) => r.body.total === 3);
    const first = await t.search(alice, tag, { limit: '2' });
    expect(first.body.totalIsExact).toBe(true);
    expect(first.body.facetsCounted).toBe(true);
    expect(first.body.facets.channels).toEqual([{ id: general.id, name: general.name, count: 3 }]);
    expect(first.body.facets.authors).toEqual([{ id: bob.id, name: bob.name, count: 3 }]);
    const second = await t.search(alice, tag, { limit: '2', cursor: first.body.nextCursor });
    expect(resultIds(second)).toHaveLength(1);
    expect(second.body.facetsCounted).toBe(false);
    expect(second.body.facets).toEqual({ channels: [], authors: [] });
  });

  it('refuses a forged cursor with 400', async () => {
    const res = await t.search(alice, 'anything', { cursor: 'eyJtIjoiKiJ9.forged' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_cursor');
  });

  it('gives 400 invalid_query with the token and position for malformed queries', async () => {
    const cases: Array<[string, string, number]> = [
      ['deploy "unclosed phrase', '"unclosed phrase', 7],
      ['x before:2024-13-01', 'before:2024-13-01', 2],
      ['x on:yesterday', 'on:yesterday', 2],
      ['x in:', 'in:', 2],
      ['x from:@', 'from:@', 2],
      ['x has:attachment', 'has:attachment', 2],
      ['x -in:#general', '-in:#general', 2],
      ['*', '*', 0],
      ['-alone', '-alone', 0],
    ];
    for (const [q, token, position] of cases) {
      const res = await t.search(alice, q);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code, q).toBe('invalid_query');
      expect(res.body.error.details, q).toEqual({ token, position });
    }
  });
});

describe('search access control', () => {
  it('never shows private-channel messages to non-members, whatever the query', async () => {
    const secretWord = uniqueName('secret');
    const priv = await t.channel(alice, { isPrivate: true });
    const posted = await t.post(alice, priv.id, `${secretWord} launch codes`);
    await t.searchUntil(alice, secretWord, found(posted.id));

    const attempts = [
      secretWord,
      `${secretWord} in:#${priv.name}`,
      `in:#${priv.name}`,
      `in:#${priv.name} OR *:*`,
      `"${secretWord}" OR *:*`,
      `${secretWord}) OR (*:*`,
      `from:@${alice.name}) OR (b`,
      `{!lucene}${secretWord}`,
      `${secretWord} \\" OR \\"`,
      `in:#${priv.name}\\`,
      `launch*`,
    ];
    for (const q of attempts) {
      const res = await t.search(bob, q);
      expect(res.status, q).toBe(200);
      expect(resultIds(res), q).not.toContain(posted.id);
      expect(JSON.stringify(res.body), q).not.toContain(priv.id);
    }
    // The member still finds it, through the same operators.
    expect(resultIds(await t.search(alice, `${secretWord} in:#${priv.name}`))).toEqual([posted.id]);
  });

  it('gives zero results, not an error, for a channel the caller cannot read or that does not exist', async () => {
    const priv = await t.channel(alice, { isPrivate: true });
    const hidden = await t.search(bob, `in:#${priv.name}`);
    const missing = await t.search(bob, `in:#${uniqueName('nochannel')}`);
    expect(hidden.status).toBe(200);
    expect(hidden.body).toEqual(missing.body);
    expect(hidden.body.results).toEqual([]);
  });

  it('stops showing a private channel to someone removed from it, and to someone who left', async () => {
    const word = uniqueName('members');
    const priv = await t.channel(alice, { isPrivate: true });
    await t.call('POST', `/v1/channels/${priv.id}/members`, alice, { userId: bob.id });
    const posted = await t.post(alice, priv.id, `${word} for members`);
    await t.searchUntil(bob, word, found(posted.id));
    expect(resultIds(await t.search(bob, word))).toEqual([posted.id]);

    const removed = await t.call('DELETE', `/v1/channels/${priv.id}/members/${bob.id}`, alice);
    expect(removed.status).toBe(200);
    expect(resultIds(await t.search(bob, word))).toEqual([]);

    const carol = await t.user();
    await t.call('POST', `/v1/channels/${priv.id}/members`, alice, { userId: carol.id });
    expect(resultIds(await t.search(carol, word))).toEqual([posted.id]);
    await t.call('POST', `/v1/channels/${priv.id}/leave`, carol);
    expect(resultIds(await t.search(carol, word))).toEqual([]);
  });

  it('finds an edited message by its new text only, and a deleted one not at all', async () => {
    const before = uniqueName('oldtext');
    const after = uniqueName('newtext');
    const gone = uniqueName('gone');
    const edited = await t.post(alice, general.id, `${before} draft`);
    const deleted = await t.post(alice, general.id, `${gone} soon deleted`);
    await t.searchUntil(alice, before, found(edited.id));
    await t.searchUntil(alice, gone, found(deleted.id));

    await t.call('PATCH', `/v1/messages/${edited.id}`, alice, { text: `${after} final` });
    await t.call('DELETE', `/v1/messages/${deleted.id}`, alice);
    await t.searchUntil(alice, after, found(edited.id));
    await t.searchUntil(alice, gone, (r) => r.body.total === 0);

    expect(resultIds(await t.search(alice, before))).toEqual([]);
    expect(resultIds(await t.search(alice, after))).toEqual([edited.id]);
    expect((await t.search(alice, gone)).body.total).toBe(0);
  });
});

describe('search when the index is away', () => {
  it('answers 503 search_unavailable quickly when the origin is not reachable', async () => {
    const dead = await createSearchTestApp({ originUrl: 'http://127.0.0.1:1' });
    try {
      const user = await dead.user();
      await dead.channel(user);
      const started = Date.now();
      const res = await dead.search(user, 'anything');
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('search_unavailable');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await dead.close();
    }
  });

  it('answers 503 when no search is configured, and still 400 for a malformed query', async () => {
    const none = await createSearchTestApp({ noSearch: true });
    try {
      const user = await none.user();
      await none.channel(user);
      expect((await none.search(user, 'anything')).status).toBe(503);
      expect((await none.search(user, '"open')).status).toBe(400);
    } finally {
      await none.close();
    }
  });
});
