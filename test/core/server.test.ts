import { join } from 'node:path';
import { connect } from 'node:net';
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

describe('request bodies read straight from the Node stream', () => {
  async function post(
    path: string,
    body: Uint8Array<ArrayBuffer> | string,
    headers: Record<string, string>,
  ) {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, ...headers },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  it('decodes JSON as fetch does: UTF-8, a leading byte-order mark dropped', async () => {
    const ch = (await api(alice, 'POST', '/v1/channels', { name: 'bodies' })).body;
    const json = new TextEncoder().encode(JSON.stringify({ text: 'grüße 🎉' }));
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...json]);
    const res = await post(`/v1/channels/${ch.id}/messages`, withBom, {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(res.status).toBe(201);
    expect(res.body.text).toBe('grüße 🎉');
  });

  it('refuses malformed JSON and other media types in the error envelope', async () => {
    const ch = (await api(alice, 'POST', '/v1/channels', { name: 'bodies-bad' })).body;
    const path = `/v1/channels/${ch.id}/messages`;
    const malformed = await post(path, '{"text": ', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');
    const text = await post(path, 'hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');
    const page = await api(alice, 'GET', `${path}?limit=5`);
    expect(page.body.messages).toEqual([]);
  });

  it('keeps serving after a client leaves in the middle of a body', async () => {
    const ch = (await api(alice, 'POST', '/v1/channels', { name: 'bodies-cut' })).body;
    const { port } = new URL(server.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST /v1/channels/${ch.id}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
            `Authorization: Bearer ${alice}\r\nContent-Type: application/json\r\n` +
            `Content-Length: 100\r\n\r\n{"text": "cut`,
          () => setTimeout(() => (socket.destroy(), resolve()), 50),
        );
      });
      socket.once('error', reject);
    });
    const after = await api(alice, 'POST', `/v1/channels/${ch.id}/messages`, { text: 'whole' });
    expect(after.status).toBe(201);
    const page = await api(alice, 'GET', `/v1/channels/${ch.id}/messages?limit=5`);
    expect(page.body.messages.map((m: { text: string }) => m.text)).toEqual(['whole']);
  });

  it('hashes the body for Idempotency-Key: a replay matches, another body is refused', async () => {
    const kvTemp = makeTempDir();
    const config = readNodeConfig({
      PORT: '0',
      STEK_DATA_DIR: join(kvTemp.dir, 'data'),
      STEK_LOG: 'silent',
      STEK_KV: 'memory',
    });
    const kvServer = await startNodeServer({ config });
    try {
      const chat = { db: kvServer.db, now: Date.now };
      const token = (await issueToken(chat, (await createUser(chat, { name: 'carol' })).id)).token;
      const send = async (body: unknown) => {
        const res = await fetch(`${kvServer.url}/v1/channels`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': 'make-it-once',
          },
          body: JSON.stringify(body),
        });
        return {
          status: res.status,
          requestId: res.headers.get('x-request-id'),
          body: (await res.json()) as any,
        };
      };
      const first = await send({ name: 'once' });
      const replay = await send({ name: 'once' });
      const other = await send({ name: 'twice' });
      expect(first.status).toBe(201);
      expect(replay.status).toBe(201);
      expect(replay.body.id).toBe(first.body.id);
      // The replay is a stored response rebuilt, under the new request's own id.
      expect(replay.requestId).toMatch(/^req_/);
      expect(replay.requestId).not.toBe(first.requestId);
      expect(other.status).toBe(422);
      expect(other.body.error.code).toBe('idempotency_key_reused');
    } finally {
      await kvServer.close();
      kvTemp.remove();
    }
  });
});

describe('requests the app never sees', () => {
  async function raw(head: string): Promise<{ status: number; headers: string; body: string }> {
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(head));
      socket.on('data', (chunk) => {
        text += chunk.toString();
        const [, body] = text.split('\r\n\r\n');
        if (body && /\}\s*(\r\n0\r\n\r\n)?$/.test(body)) (socket.destroy(), resolve(text));
      });
      socket.once('error', reject);
      setTimeout(() => (socket.destroy(), resolve(text)), 2_000);
    });
    const [headers = '', body = ''] = answer.split('\r\n\r\n');
    const json = body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1);
    return { status: Number(headers.split(' ')[1]), headers, body: json };
  }

  it('answers a malformed Host header or a backslash path in the error envelope', async () => {
    for (const head of [
      'GET /health HTTP/1.1\r\nHost: a b\r\n\r\n',
      'GET /v1\\channels HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    ]) {
      const res = await raw(head);
      expect(res.status).toBe(400);
      const body = JSON.parse(res.body);
      expect(body.error.code).toBe('malformed_request');
      expect(body.requestId).toMatch(/^req_/);
      expect(res.headers.toLowerCase()).toContain(`x-request-id: ${body.requestId}`);
    }
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
