import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../src/dev/redis-server.ts';
import {
  startUpstashEndpoint,
  type UpstashEndpoint,
} from '../../src/dev/upstash-endpoint/index.ts';
import { authenticate } from '../../src/chat/users.ts';
import { createAuthCache } from '../../src/kv/auth-cache.ts';
import type { KvStore } from '../../src/kv/kv-store.ts';
import { createUpstashStore } from '../../src/kv/upstash-store.ts';
import type { KvDeps } from '../../src/routes/env.ts';
import { createTestApp, type TestApp, type TestUser } from '../helpers/app.ts';
import { sleep, storeModes } from './store-modes.ts';

const roomy = { limit: 10_000, windowMs: 60_000 };

/** The app with a key-value store; the limits default to roomy ones so only the tested one bites. */
async function appWith(
  store: KvStore,
  overrides: Partial<KvDeps['limits']> = {},
  authCacheTtlMs = 5_000,
  log?: (e: Record<string, unknown>) => void,
) {
  let t!: TestApp;
  const authCache = createAuthCache({
    store,
    ttlMs: authCacheTtlMs,
    authenticate: (secret) => authenticate(t.chat, secret),
  });
  const limits = { post: roomy, read: roomy, search: roomy, auth: roomy, ...overrides };
  t = await createTestApp({ kv: { store, limits, authCache }, log });
  return t;
}

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

for (const mode of storeModes) {
  describe(`the API with the ${mode.name}`, () => {
    async function setup(overrides: Partial<KvDeps['limits']> = {}, ttl?: number) {
      t = await appWith(mode.createStore(), overrides, ttl);
      const alice = await t.user('alice');
      const bob = await t.user('bob');
      const ch = (await t.call('POST', '/v1/channels', { as: alice, body: { name: 'general' } }))
        .body;
      await t.call('POST', `/v1/channels/${ch.id}/join`, { as: bob });
      return { t, alice, bob, channelId: ch.id as string };
    }

    it('refuses posting past the budget with 429, Retry-After and RateLimit headers', async () => {
      const { t, alice, bob, channelId } = await setup({ post: { limit: 3, windowMs: 60_000 } });
      const post = (as: TestUser) =>
        t.call('POST', `/v1/channels/${channelId}/messages`, { as, body: { text: 'hi' } });
      // The channel setup spent alice one post (create) and bob one (join).
      const first = await post(alice);
      expect(first.status).toBe(201);
      expect(first.headers.get('ratelimit-limit')).toBe('3');
      expect(first.headers.get('ratelimit-remaining')).toBe('1');
      expect((await post(alice)).status).toBe(201);
      const refused = await post(alice);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
      // Another caller's budget, and reading, are untouched.
      expect((await post(bob)).status).toBe(201);
      const read = await t.call('GET', `/v1/channels/${channelId}/messages`, { as: alice });
      expect(read.status).toBe(200);
      expect(read.body.messages).toHaveLength(3);
    });

    it('limits failed authentications by address, then answers 429 instead of 401', async () => {
      const { t } = await setup({ auth: { limit: 2, windowMs: 60_000 } });
      const wrong = { id: 'x', name: 'x', token: 'stek_wrong' };
      const headers = { 'x-forwarded-for': '203.0.113.9' };
      expect((await t.call('GET', '/v1/me', { as: wrong, headers })).status).toBe(401);
      expect((await t.call('GET', '/v1/me', { as: wrong, headers })).status).toBe(401);
      const third = await t.call('GET', '/v1/me', { as: wrong, headers });
      expect(third.status).toBe(429);
      expect(third.body.error.code).toBe('rate_limited');
      const elsewhere = await t.call('GET', '/v1/me', {
        as: wrong,
        headers: { 'x-forwarded-for': '203.0.113.10' },
      });
      expect(elsewhere.status).toBe(401);
    });

    it('replays a retried POST with the same Idempotency-Key, never posting twice', async () => {
      const { t, alice, channelId } = await setup();
      const send = (key: string, text: string) =>
        t.call('POST', `/v1/channels/${channelId}/messages`, {
          as: alice,
          body: { text },
          headers: { 'idempotency-key': key },
        });
      const first = await send('key-1', 'exactly once');
      const retry = await send('key-1', 'exactly once');
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      const reused = await send('key-1', 'something else');
      expect(reused.status).toBe(422);
      expect(reused.body.error.code).toBe('idempotency_key_reused');
      const page = await t.call('GET', `/v1/channels/${channelId}/messages`, { as: alice });
      expect(page.body.messages.map((m: { text: string }) => m.text)).toEqual(['exactly once']);
    });

    it('replays a retried DELETE and PATCH', async () => {
      const { t, alice, channelId } = await setup();
      const m = (
        await t.call('POST', `/v1/channels/${channelId}/messages`, {
          as: alice,
          body: { text: 'v1' },
        })
      ).body;
      const patch = () =>
        t.call('PATCH', `/v1/messages/${m.id}`, {
          as: alice,
          body: { text: 'v2' },
          headers: { 'idempotency-key': 'edit-1' },
        });
      const a = await patch();
      const b = await patch();
      expect(b.body).toEqual(a.body);
      expect(b.headers.get('idempotent-replayed')).toBe('true');
      const del = () =>
        t.call('DELETE', `/v1/messages/${m.id}`, {
          as: alice,
          headers: { 'idempotency-key': 'del-1' },
        });
      expect((await del()).status).toBe(200);
      expect((await del()).headers.get('idempotent-replayed')).toBe('true');
      const log = await t.call('GET', `/v1/channels/${channelId}/events`, { as: alice });
      const types = log.body.events.map((e: { type: string }) => e.type);
      expect(types.filter((x: string) => x === 'message.edited')).toHaveLength(1);
      expect(types.filter((x: string) => x === 'message.deleted')).toHaveLength(1);
    });

    it('drops a revoked token from the cache at once when revoked through the API', async () => {
      const { t, alice } = await setup();
      const extra = await t.call('POST', '/v1/me/tokens', { as: alice, body: { name: 'x' } });
      const other = { ...alice, token: extra.body.token };
      expect((await t.call('GET', '/v1/me', { as: other })).status).toBe(200); // now cached
      await t.call('DELETE', `/v1/me/tokens/${extra.body.id}`, { as: alice });
      expect((await t.call('GET', '/v1/me', { as: other })).status).toBe(401);
    });

    it('honours a revocation made behind its back within the cache TTL', async () => {
      const { t, alice } = await setup({}, 1_000);
      expect((await t.call('GET', '/v1/me', { as: alice })).status).toBe(200); // cached
      await t.db.write((tx) =>
        tx.run(sql`update api_tokens set revoked_at = 1 where user_id = ${alice.id}`),
      );
      // Still served from the cache right after: the cache really is in the path.
      expect((await t.call('GET', '/v1/me', { as: alice })).status).toBe(200);
      const revokedAt = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - revokedAt < 3_000) {
        await sleep(100);
        status = (await t.call('GET', '/v1/me', { as: alice })).status;
      }
      expect(status).toBe(401);
    });
  });
}

describe('the token cache', () => {
  it('refuses a TTL longer than 5 s, so revocation always lands within 5 s', () => {
    const store = storeModes[0]!.createStore();
    const authenticate = async () => null;
    expect(() => createAuthCache({ store, authenticate, ttlMs: 5_001 })).toThrow(RangeError);
    expect(() => createAuthCache({ store, authenticate })).not.toThrow();
  });
});

describe('the API while Redis goes away and comes back', () => {
  let redis: RedisServer;
  let endpoint: UpstashEndpoint;

  beforeAll(async () => {
    redis = await startRedisServer({ port: 0 });
    endpoint = await startUpstashEndpoint({ redisPort: redis.port, token: 'down-token' });
  });
  afterAll(async () => {
    await endpoint?.stop();
    await redis?.stop();
  });

  it('keeps serving reads and writes while Redis is down, and limits again once it returns', async () => {
    const warnings: unknown[] = [];
    const store = createUpstashStore({ url: endpoint.url, token: endpoint.token, timeoutMs: 200 });
    t = await appWith(store, { post: { limit: 4, windowMs: 60_000 } }, 5_000, (e) => {
      if (e.level === 'warn') warnings.push(e);
    });
    const alice = await t.user('alice');
    const ch = (await t.call('POST', '/v1/channels', { as: alice, body: { name: 'general' } }))
      .body;
    const post = (text: string, key?: string) =>
      t!.call('POST', `/v1/channels/${ch.id}/messages`, {
        as: alice,
        body: { text },
        headers: key ? { 'idempotency-key': key } : {},
      });
    expect((await post('before')).status).toBe(201);

    const port = redis.port;
    await redis.stop();
    for (let i = 0; i < 6; i++) {
      const started = Date.now();
      const res = await post(`while down ${i}`, `down-${i}`);
      expect(res.status).toBe(201);
      // Each request waits on Redis at most about the timeout per call, never indefinitely.
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    const read = await t.call('GET', `/v1/channels/${ch.id}/messages?limit=50`, { as: alice });
    expect(read.status).toBe(200);
    expect(read.body.messages).toHaveLength(7);
    expect(warnings.length).toBeGreaterThan(0);

    redis = await startRedisServer({ port });
    const first = await post('replayed', 'back-1');
    const again = await post('replayed', 'back-1');
    expect(first.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    let status = 201;
    for (let i = 0; i < 10 && status !== 429; i++) status = (await post(`after ${i}`)).status;
    expect(status).toBe(429);
  });
});
