import { describe, expect, it } from 'vitest';
import type { KvStore } from '../../src/kv/kv-store.ts';
import { idempotency } from '../../src/routes/middleware/idempotency.ts';
import { storeModes } from './store-modes.ts';
import { createTestApp, createWarnings } from './test-app.ts';

/** A promise the test resolves when it chooses. */
function createGate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

function buildApp(store: KvStore) {
  const { warnings, onWarn } = createWarnings();
  const app = createTestApp();
  const runs = { orders: 0, flaky: 0, invalid: 0, slow: 0 };
  const gate = createGate();
  const slowStarted = createGate();

  app.use(idempotency({ store, onWarn }));
  app.post('/orders', async (c) => {
    runs.orders += 1;
    const body = await c.req.json();
    c.header('Location', `/orders/${runs.orders}`);
    c.header('X-Order-Seq', String(runs.orders));
    return c.json({ order: runs.orders, item: body.item }, 201);
  });
  app.get('/orders', (c) => {
    runs.orders += 1;
    return c.json({ run: runs.orders });
  });
  app.post('/flaky', (c) => {
    runs.flaky += 1;
    return runs.flaky === 1 ? c.json({ error: 'boom' }, 503) : c.json({ ok: runs.flaky }, 201);
  });
  app.post('/invalid', (c) => {
    runs.invalid += 1;
    return c.json({ error: { code: 'invalid_request', message: `run ${runs.invalid}` } }, 400);
  });
  app.post('/slow', async (c) => {
    runs.slow += 1;
    slowStarted.open();
    await gate.opened;
    return c.json({ slow: runs.slow }, 201);
  });

  return {
    app,
    runs,
    warnings,
    gate,
    slowStarted: slowStarted.opened,
  };
}

function post(key: string | null, body: unknown, user: string | null = 'ann') {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers['idempotency-key'] = key;
  if (user !== null) headers['x-test-user'] = user;
  return { method: 'POST', headers, body: JSON.stringify(body) };
}

async function snapshot(res: Response) {
  const headers = Object.fromEntries(
    [...res.headers].filter(([name]) => !['x-request-id', 'date'].includes(name)),
  );
  return { status: res.status, headers, body: await res.text() };
}

describe.each(storeModes)('idempotency middleware with the $name', ({ createStore }) => {
  it('replays the first response for a retry with the same key and body', async () => {
    const { app, runs, warnings } = buildApp(createStore());
    const first = await app.request('/orders', post('key-1', { item: 'tea' }));
    const firstSnapshot = await snapshot(first);
    expect(firstSnapshot.status).toBe(201);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();

    const retry = await app.request('/orders', post('key-1', { item: 'tea' }));
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    const retrySnapshot = await snapshot(retry);
    expect(retrySnapshot).toEqual({
      ...firstSnapshot,
      headers: { ...firstSnapshot.headers, 'idempotent-replayed': 'true' },
    });
    expect(retrySnapshot.headers).toMatchObject({
      'content-type': 'application/json',
      location: '/orders/1',
      'x-order-seq': '1',
    });
    expect(JSON.parse(retrySnapshot.body)).toEqual({ order: 1, item: 'tea' });
    expect(runs.orders).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('refuses the same key with a different body with 422', async () => {
    const { app, runs } = buildApp(createStore());
    await app.request('/orders', post('key-2', { item: 'tea' }));
    const reused = await app.request('/orders', post('key-2', { item: 'coffee' }));
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({
      error: { code: 'idempotency_key_reused' },
      requestId: expect.stringMatching(/^req_/),
    });
    expect(runs.orders).toBe(1);
  });

  it('answers 409 while the first request with the key is still running', async () => {
    const ctx = buildApp(createStore());
    const first = ctx.app.request('/slow', post('key-3', { n: 1 }));
    await ctx.slowStarted;

    const during = await ctx.app.request('/slow', post('key-3', { n: 1 }));
    expect(during.status).toBe(409);
    expect(during.headers.get('Retry-After')).toBe('1');
    expect(await during.json()).toMatchObject({ error: { code: 'idempotency_in_flight' } });

    ctx.gate.open();
    expect((await first).status).toBe(201);
    const after = await ctx.app.request('/slow', post('key-3', { n: 1 }));
    expect(after.status).toBe(201);
    expect(after.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await after.json()).toEqual({ slow: 1 });
    expect(ctx.runs.slow).toBe(1);
  });

  it('never replays one user’s response to another user with the same key', async () => {
    const { app, runs } = buildApp(createStore());
    const ann = await app.request('/orders', post('shared-key', { item: 'tea' }, 'ann'));
    const bob = await app.request('/orders', post('shared-key', { item: 'tea' }, 'bob'));
    expect(await ann.json()).toEqual({ order: 1, item: 'tea' });
    expect(await bob.json()).toEqual({ order: 2, item: 'tea' });
    expect(bob.headers.get('Idempotent-Replayed')).toBeNull();
    expect(runs.orders).toBe(2);
  });

  it('scopes a key to its path', async () => {
    const { app, runs } = buildApp(createStore());
    await app.request('/orders', post('path-key', {}));
    const other = await app.request('/invalid', post('path-key', {}));
    expect(other.status).toBe(400);
    expect(other.headers.get('Idempotent-Replayed')).toBeNull();
    expect([runs.orders, runs.invalid]).toEqual([1, 1]);
  });

  it('stores 4xx answers and replays them', async () => {
    const { app, runs } = buildApp(createStore());
    const first = await app.request('/invalid', post('key-4', {}));
    const retry = await app.request('/invalid', post('key-4', {}));
    expect([first.status, retry.status]).toEqual([400, 400]);
    expect(await retry.json()).toEqual(await first.json());
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(runs.invalid).toBe(1);
  });

  it('does not store 5xx answers, so a retry runs the handler again', async () => {
    const { app, runs } = buildApp(createStore());
    const first = await app.request('/flaky', post('key-5', {}));
    expect(first.status).toBe(503);
    const retry = await app.request('/flaky', post('key-5', {}));
    expect(retry.status).toBe(201);
    expect(retry.headers.get('Idempotent-Replayed')).toBeNull();
    const again = await app.request('/flaky', post('key-5', {}));
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await again.json()).toEqual({ ok: 2 });
    expect(runs.flaky).toBe(2);
  });

  it('refuses a key that is empty, too long or not printable ASCII with 400', async () => {
    const { app, runs } = buildApp(createStore());
    for (const key of ['', 'k'.repeat(256), 'caf\u00e9', 'tab\there']) {
      const res = await app.request('/orders', post(key, {}));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_idempotency_key' } });
    }
    expect((await app.request('/orders', post('k'.repeat(255), {}))).status).toBe(201);
    expect(runs.orders).toBe(1);
  });

  it('leaves requests without a key, GETs and anonymous callers alone', async () => {
    const { app, runs } = buildApp(createStore());
    await app.request('/orders', post(null, { item: 'a' }));
    await app.request('/orders', post(null, { item: 'a' }));
    const headers = { 'idempotency-key': 'get-key', 'x-test-user': 'ann' };
    await app.request('/orders', { headers });
    const get = await app.request('/orders', { headers });
    expect(get.headers.get('Idempotent-Replayed')).toBeNull();
    await app.request('/orders', post('anon-key', { item: 'a' }, null));
    const anon = await app.request('/orders', post('anon-key', { item: 'a' }, null));
    expect(anon.headers.get('Idempotent-Replayed')).toBeNull();
    expect(runs.orders).toBe(6);
  });
});
