import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestUser } from '../helpers/app.ts';

let t: TestApp;
let alice: TestUser;

beforeEach(async () => {
  t = await createTestApp();
  alice = await t.user('alice');
});
afterEach(() => t.close());

function expectEnvelope(res: { body: any; headers: Headers }, code: string) {
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String) } });
  expect(res.body.requestId).toMatch(/^req_/);
  expect(res.headers.get('x-request-id')).toBe(res.body.requestId);
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
}

describe('the error envelope', () => {
  it('gives 400 naming the field for a schema failure', async () => {
    const res = await t.call('POST', '/v1/channels', { as: alice, body: { name: 42 } });
    expect(res.status).toBe(400);
    expectEnvelope(res, 'invalid_request');
    expect(res.body.error.details.issues[0].field).toBe('name');
    expect(res.body.error.message).toContain('name');
  });

  it('gives 400 invalid_json for a malformed body', async () => {
    const res = await t.call('POST', '/v1/channels', { as: alice, body: '{"name": ' });
    expect(res.status).toBe(400);
    expectEnvelope(res, 'invalid_json');
  });

  it('gives 401 without a token and with a wrong one', async () => {
    const none = await t.call('GET', '/v1/channels');
    expect(none.status).toBe(401);
    expectEnvelope(none, 'unauthorized');
    const wrong = await t.call('GET', '/v1/channels', { as: { ...alice, token: 'stek_nope' } });
    expect(wrong.status).toBe(401);
  });

  it('gives 404 in the envelope for unknown routes, inside and outside /v1', async () => {
    for (const path of ['/nowhere', '/v1/nowhere']) {
      const res = await t.call('GET', path, { as: alice });
      expect(res.status).toBe(404);
      expectEnvelope(res, 'not_found');
    }
  });

  it('gives 413 for a body over the limit', async () => {
    const res = await t.call('POST', '/v1/channels', {
      as: alice,
      body: { name: 'big', topic: 'x'.repeat(300 * 1024) },
    });
    expect(res.status).toBe(413);
    expectEnvelope(res, 'payload_too_large');
  });

  it('gives 415 for a body that is not JSON', async () => {
    const res = await t.call('POST', '/v1/channels', {
      as: alice,
      body: 'name=general',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expectEnvelope(res, 'unsupported_media_type');
  });

  it('gives 500 without internals when a dependency breaks', async () => {
    const logged: Array<Record<string, unknown>> = [];
    const broken = await createTestApp({ log: (e) => logged.push(e) });
    const bob = await broken.user('bob');
    await broken.db.close();
    const res = await broken.call('GET', '/v1/channels', { as: bob }).catch((err) => err);
    expect(res.status).toBe(500);
    expectEnvelope(res, 'internal');
    expect(res.body.error.message).not.toMatch(/sqlite|libsql|closed/i);
    expect(logged.some((e) => e.level === 'error')).toBe(true);
  });

  it('keeps a sane caller-supplied request id and replaces an unsafe one', async () => {
    const kept = await t.call('GET', '/v1/me', { as: alice, headers: { 'x-request-id': 'abc-1' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-1');
    const replaced = await t.call('GET', '/v1/me', {
      as: alice,
      headers: { 'x-request-id': 'bad id\u0001' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('writes one structured log line per request', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logged = await createTestApp({ log: (e) => lines.push(e) });
    try {
      const u = await logged.user('u');
      await logged.call('GET', '/v1/me', { as: u });
      await logged.call('GET', '/v1/channels/ch_x', { as: u });
      const requests = lines.filter((l) => l.msg === 'request');
      expect(requests).toHaveLength(2);
      expect(requests[1]).toMatchObject({
        method: 'GET',
        route: '/v1/channels/:channelId',
        status: 404,
        requestId: expect.stringMatching(/^req_/),
        ms: expect.any(Number),
      });
    } finally {
      await logged.close();
    }
  });
});

describe('health and the spec', () => {
  it('reports each dependency from /health without auth', async () => {
    const res = await t.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: { database: { ok: true } } });
  });

  it('reports a failing extra dependency as degraded', async () => {
    const t2 = await createTestApp({
      healthChecks: { search: () => Promise.reject(new Error('down')) },
    });
    try {
      const res = await t2.call('GET', '/health');
      expect(res.body.status).toBe('degraded');
      expect(res.body.checks.search).toMatchObject({ ok: false, error: 'down' });
    } finally {
      await t2.close();
    }
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const res = await t.call('GET', '/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.0.3');
    const paths = Object.keys(res.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/channels/{channelId}/messages',
        '/messages/{messageId}/reactions/{emoji}',
        '/channels/{channelId}/events',
        '/dms',
        '/me/tokens',
      ]),
    );
    const post = res.body.paths['/channels/{channelId}/messages'].post;
    const schema = post.requestBody.content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(['text', 'threadId', 'clientMsgId']);
  });
});

describe('a server without search', () => {
  it('answers 503 and says search is not configured, rather than an outage', async () => {
    const res = await t.call('GET', '/v1/search?q=hello', { as: alice });
    expect(res.status).toBe(503);
    expectEnvelope(res, 'search_unavailable');
    expect(res.body.error.details).toEqual({ reason: 'not_configured' });
  });
});
