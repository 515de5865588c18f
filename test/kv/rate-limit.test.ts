import { describe, expect, it } from 'vitest';
import type { KvStore } from '../../src/kv/kv-store.ts';
import { rateLimit, type RouteClass } from '../../src/routes/middleware/rate-limit.ts';
import { storeModes } from './store-modes.ts';
import { createTestApp, createWarnings } from './test-app.ts';

function buildApp(store: KvStore) {
  const { warnings, onWarn } = createWarnings();
  const app = createTestApp();
  app.use(
    rateLimit({
      store,
      limits: { post: { limit: 3, windowMs: 60_000 }, read: { limit: 5, windowMs: 60_000 } },
      classify: (c): RouteClass | null => {
        if (c.req.path === '/health') return null;
        return c.req.method === 'GET' ? 'read' : 'post';
      },
      onWarn,
    }),
  );
  app.get('/things', (c) => c.json({ things: [] }));
  app.post('/things', (c) => c.json({ created: true }, 201));
  app.get('/health', (c) => c.json({ ok: true }));
  return { app, warnings };
}

const asUser = (user: string) => ({ headers: { 'x-test-user': user } });
const postAs = (user: string) => ({ method: 'POST', headers: { 'x-test-user': user } });

describe.each(storeModes)('rateLimit middleware with the $name', ({ createStore }) => {
  it('counts down the RateLimit headers, then refuses with 429 in the error envelope', async () => {
    const { app, warnings } = buildApp(createStore());
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await app.request('/things', postAs('ann'));
      expect(res.status).toBe(201);
      expect(res.headers.get('RateLimit-Limit')).toBe('3');
      remaining.push(res.headers.get('RateLimit-Remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const refused = await app.request('/things', postAs('ann'));
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('RateLimit-Limit')).toBe('3');
    expect(refused.headers.get('RateLimit-Remaining')).toBe('0');
    const reset = Number(refused.headers.get('RateLimit-Reset'));
    expect(reset).toBeGreaterThanOrEqual(0);
    expect(reset).toBeLessThanOrEqual(60);
    expect(await refused.json()).toEqual({
      error: {
        code: 'rate_limited',
        message: expect.stringContaining('too many post requests'),
        details: { retryAfterSeconds: retryAfter },
      },
      requestId: expect.stringMatching(/^req_/),
    });
    expect(warnings).toEqual([]);
  });

  it('keeps a separate budget per caller', async () => {
    const { app } = buildApp(createStore());
    for (let i = 0; i < 3; i += 1) await app.request('/things', postAs('ann'));
    expect((await app.request('/things', postAs('ann'))).status).toBe(429);
    const other = await app.request('/things', postAs('bob'));
    expect(other.status).toBe(201);
    expect(other.headers.get('RateLimit-Remaining')).toBe('2');
  });

  it('keeps a separate budget per route class', async () => {
    const { app } = buildApp(createStore());
    for (let i = 0; i < 3; i += 1) await app.request('/things', postAs('ann'));
    expect((await app.request('/things', postAs('ann'))).status).toBe(429);
    const read = await app.request('/things', asUser('ann'));
    expect(read.status).toBe(200);
    expect(read.headers.get('RateLimit-Limit')).toBe('5');
    expect(read.headers.get('RateLimit-Remaining')).toBe('4');
  });

  it('tells anonymous callers apart by their forwarded address', async () => {
    const { app } = buildApp(createStore());
    const from = (ip: string) => ({
      method: 'POST',
      headers: { 'x-forwarded-for': `${ip}, 10.0.0.1` },
    });
    for (let i = 0; i < 3; i += 1) await app.request('/things', from('203.0.113.7'));
    expect((await app.request('/things', from('203.0.113.7'))).status).toBe(429);
    expect((await app.request('/things', from('203.0.113.8'))).status).toBe(201);
    expect((await app.request('/things', { method: 'POST' })).status).toBe(201);
  });

  it('leaves unclassified routes alone', async () => {
    const { app } = buildApp(createStore());
    for (let i = 0; i < 8; i += 1) {
      const res = await app.request('/health', asUser('ann'));
      expect(res.status).toBe(200);
      expect(res.headers.get('RateLimit-Limit')).toBeNull();
    }
  });
});

describe('rateLimit options', () => {
  it('refuses an invalid rule when the middleware is built', () => {
    expect(() =>
      rateLimit({
        store: storeModes[0]!.createStore(),
        limits: { post: { limit: 0, windowMs: 1000 } },
        classify: () => 'post',
      }),
    ).toThrow(TypeError);
  });
});
