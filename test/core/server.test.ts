import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, issueToken } from '../../src/chat/users.ts';
import { readNodeConfig } from '../../src/entry/config.ts';
import { startNodeServer, type NodeServer } from '../../src/entry/node.ts';
import { makeTempDir } from '../helpers/app.ts';

let server: NodeServer;
let temp: ReturnType<typeof makeTempDir>;
let alice: string;
let bob: string;

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  temp = makeTempDir();
  const config = readNodeConfig({
    PORT: '0',
    STEK_DATA_DIR: join(temp.dir, 'data'),
    STEK_LOG: 'silent',
  });
  server = await startNodeServer({ config });
  const chat = { db: server.db, now: Date.now };
  alice = (await issueToken(chat, (await createUser(chat, { name: 'alice' })).id)).token;
  bob = (await issueToken(chat, (await createUser(chat, { name: 'bob' })).id)).token;
});

afterAll(async () => {
  await server.close();
  temp.remove();
});

describe('the Node server on a real port', () => {
  it('serves health and the API over HTTP', async () => {
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(((await api(alice, 'GET', '/v1/me')).body as { name: string }).name).toBe('alice');
  });

  it('lands every concurrent post, and paging meanwhile sees no gap and no repeat', async () => {
    const ch = (await api(alice, 'POST', '/v1/channels', { name: 'busy' })).body;
    await api(bob, 'POST', `/v1/channels/${ch.id}/join`);
    const seeded = 40;
    for (let i = 0; i < seeded; i++)
      await api(alice, 'POST', `/v1/channels/${ch.id}/messages`, { text: `seed ${i}` });

    // 200 posts from two users at once, while a reader pages back through history.
    const posts = Array.from({ length: 200 }, (_, i) =>
      api(i % 2 ? alice : bob, 'POST', `/v1/channels/${ch.id}/messages`, {
        text: `live ${i}`,
        clientMsgId: `live-${i}`,
      }),
    );
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const query = `limit=7${before === undefined ? '' : `&before=${before}`}`;
      const page = (await api(bob, 'GET', `/v1/channels/${ch.id}/messages?${query}`)).body;
      for (const m of page.messages) seen.push(m.seq);
      if (!page.hasMore) break;
      before = page.messages.at(-1).seq;
    }
    const results = await Promise.all(posts);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));

    // Paging back from the first page's top: strictly decreasing, nothing repeated.
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    // And nothing skipped: every message at or below the first page's top was seen.
    const all = (await api(bob, 'GET', `/v1/channels/${ch.id}/events?after=0&limit=1000`)).body;
    const created = all.events
      .filter((e: { type: string }) => e.type === 'message.created')
      .map((e: { seq: number }) => e.seq);
    expect(created).toHaveLength(seeded + 200);
    expect(seen).toEqual(created.filter((s: number) => s <= seen[0]!).reverse());

    // The log itself is gap-free.
    const seqs = all.events.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
    expect(all.headSeq).toBe(seqs.length);
  });

  it('keeps retried posts single under concurrency', async () => {
    const ch = (await api(alice, 'POST', '/v1/channels', { name: 'retries' })).body;
    const attempts = await Promise.all(
      Array.from({ length: 20 }, () =>
        api(alice, 'POST', `/v1/channels/${ch.id}/messages`, { text: 'once', clientMsgId: 'same' }),
      ),
    );
    expect(attempts.filter((r) => r.status === 201)).toHaveLength(1);
    expect(attempts.filter((r) => r.status === 200)).toHaveLength(19);
    expect(new Set(attempts.map((r) => r.body.id)).size).toBe(1);
  });
});
