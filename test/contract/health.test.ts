import { describe, expect, it } from 'vitest';
import { baseUrl, call, createUser, expectEnvelope } from './client.ts';

describe('health, the spec and request ids', () => {
  it('reports the database as ok from /health without a token', async () => {
    const res = await call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: { database: { ok: true } } });
    expect(res.body.checks.database.ms).toEqual(expect.any(Number));
  });

  it('serves the OpenAPI document without a token', async () => {
    const res = await call('GET', '/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.openapi).toBe('3.0.3');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/me',
        '/users',
        '/channels',
        '/channels/{channelId}/messages',
        '/channels/{channelId}/events',
        '/messages/{messageId}/reactions/{emoji}',
        '/dms',
        '/me/tokens',
      ]),
    );
    const post = res.body.paths['/channels/{channelId}/messages'].post;
    const schema = post.requestBody.content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(['text', 'threadId', 'clientMsgId']);
  });

  it('answers every request with a request id, keeping a sane one the caller sent', async () => {
    const alice = await createUser('alice');
    const fresh = await call('GET', '/v1/me', { as: alice });
    expect(fresh.headers.get('x-request-id')).toMatch(/^req_/);
    const kept = await call('GET', '/v1/me', { as: alice, headers: { 'x-request-id': 'abc-1' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-1');
    const replaced = await call('GET', '/v1/me', {
      as: alice,
      headers: { 'x-request-id': 'x'.repeat(500) },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('answers unknown routes inside and outside /v1 with the 404 envelope', async () => {
    const alice = await createUser('alice');
    for (const path of ['/nowhere', '/v1/nowhere', '/v1/channels/x/nothing-here']) {
      expectEnvelope(await call('GET', path, { as: alice }), 404, 'not_found');
    }
  });

  it('is reachable at the base URL the runtime reported', () => {
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
