import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../src/dev/redis-server.ts';
import {
  startUpstashEndpoint,
  type UpstashEndpoint,
} from '../../src/dev/upstash-endpoint/index.ts';
import { KvUnavailableError } from '../../src/kv/kv-unavailable-error.ts';
import { createUpstashStore } from '../../src/kv/upstash-store.ts';
import { idempotency } from '../../src/routes/middleware/idempotency.ts';
import { rateLimit } from '../../src/routes/middleware/rate-limit.ts';
import { createTestApp, createWarnings } from './test-app.ts';

// A private redis-server and endpoint: this suite stops redis under its own feet.
let redis: RedisServer;
let endpoint: UpstashEndpoint;
let redisPort: number;

beforeAll(async () => {
  redis = await startRedisServer({ port: 0 });
  redisPort = redis.port;
  endpoint = await startUpstashEndpoint({ redisPort, token: 'fail-open-token' });
});

afterAll(async () => {
  await endpoint?.stop();
  await redis?.stop();
});

function buildApp() {
  const { warnings, onWarn } = createWarnings();
  const store = createUpstashStore({ url: endpoint.url, token: endpoint.token, timeoutMs: 300 });
  const app = createTestApp();
  let runs = 0;
  app.use(
    rateLimit({
      store,
      limits: { post: { limit: 2, windowMs: 60_000 } },
      classify: () => 'post',
      onWarn,
    }),
  );
  app.use(idempotency({ store, onWarn }));
  app.post('/notes', (c) => {
    runs += 1;
    return c.json({ run: runs }, 201);
  });
  return { app, warnings, runs: () => runs };
}

function post(user: string, key?: string) {
  const headers: Record<string, string> = {
    'x-test-user': user,
    'content-type': 'application/json',
  };
  if (key) headers['idempotency-key'] = key;
  return { method: 'POST', headers, body: '{}' };
}

/** Sends a request and fails the test if it takes longer than a generous bound. */
async function timed(app: ReturnType<typeof buildApp>['app'], init: RequestInit) {
  const started = performance.now();
  const res = await app.request('/notes', init);
  expect(performance.now() - started).toBeLessThan(3_000);
  return res;
}

describe('the middlewares when redis goes away and comes back', () => {
  it('enforce limits and replay while redis is up', async () => {
    const { app, warnings } = buildApp();
    expect((await timed(app, post('up'))).status).toBe(201);
    expect((await timed(app, post('up'))).status).toBe(201);
    expect((await timed(app, post('up'))).status).toBe(429);

    const first = await timed(app, post('up-idem', 'k1'));
    const retry = await timed(app, post('up-idem', 'k1'));
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await retry.json()).toEqual(await first.json());
    expect(warnings).toEqual([]);
  });

  it('let every request through, warning each time, while redis is down', async () => {
    await redis.stop();
    const { app, warnings, runs } = buildApp();

    for (let i = 0; i < 4; i += 1) {
      const res = await timed(app, post('down'));
      expect(res.status).toBe(201);
      expect(res.headers.get('RateLimit-Limit')).toBeNull();
    }
    const first = await timed(app, post('down-idem', 'k2'));
    const retry = await timed(app, post('down-idem', 'k2'));
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.headers.get('Idempotent-Replayed')).toBeNull();
    expect(runs()).toBe(6);

    expect(warnings.length).toBeGreaterThanOrEqual(6);
    for (const warning of warnings) {
      expect(warning.error).toBeInstanceOf(KvUnavailableError);
      expect((warning.error as KvUnavailableError).cause).toBeDefined();
    }
    expect(warnings.map((w) => w.message)).toContain('rate limit skipped: kv store unavailable');
    expect(warnings.map((w) => w.message)).toContain('idempotency skipped: kv store unavailable');
  });

  it('enforce limits and replay again once redis is back on the same port', async () => {
    redis = await startRedisServer({ port: redisPort });
    const { app, warnings } = buildApp();

    expect((await timed(app, post('back'))).status).toBe(201);
    expect((await timed(app, post('back'))).status).toBe(201);
    expect((await timed(app, post('back'))).status).toBe(429);
    const first = await timed(app, post('back-idem', 'k3'));
    const retry = await timed(app, post('back-idem', 'k3'));
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await retry.json()).toEqual(await first.json());
    expect(warnings).toEqual([]);
  });
});
