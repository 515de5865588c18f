import { describe, expect, it } from 'vitest';
import { call, createUser, expectEnvelope, uniqueName } from './client.ts';

describe('users and tokens', () => {
  it('returns the caller from /v1/me', async () => {
    const alice = await createUser('alice');
    const res = await call('GET', '/v1/me', { as: alice });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: alice.id,
      name: alice.name,
      isAdmin: false,
      deactivated: false,
    });
  });

  it('lets an admin create a user whose token then works', async () => {
    const admin = await createUser('admin', { admin: true });
    const name = uniqueName('bob');
    const res = await call('POST', '/v1/users', {
      as: admin,
      body: { name, displayName: 'Bob B' },
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ name, displayName: 'Bob B', isAdmin: false });
    expect(res.body.token.token).toMatch(/^stek_[0-9a-f]{64}$/);
    const me = await call('GET', '/v1/me', { as: { token: res.body.token.token } });
    expect(me.body).toMatchObject({ id: res.body.user.id, name });
  });

  it('refuses user creation by a non-admin with 403', async () => {
    const alice = await createUser('alice');
    const res = await call('POST', '/v1/users', { as: alice, body: { name: uniqueName('c') } });
    expectEnvelope(res, 403, 'forbidden');
  });

  it('refuses a taken user name with 409', async () => {
    const admin = await createUser('admin', { admin: true });
    const alice = await createUser('alice');
    const res = await call('POST', '/v1/users', { as: admin, body: { name: alice.name } });
    expectEnvelope(res, 409, 'name_taken');
  });

  it('refuses a malformed user name with 400 naming the field', async () => {
    const admin = await createUser('admin', { admin: true });
    for (const name of ['Alice', 'a b', '', 'é']) {
      const res = await call('POST', '/v1/users', { as: admin, body: { name } });
      expectEnvelope(res, 400, 'invalid_request');
      expect(res.body.error.details.issues[0].field).toBe('name');
    }
  });

  it('creates, lists and revokes the caller’s own tokens', async () => {
    const alice = await createUser('alice');
    const created = await call('POST', '/v1/me/tokens', { as: alice, body: { name: 'laptop' } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^stek_[0-9a-f]{64}$/);
    const second = { token: created.body.token as string };

    const list = await call('GET', '/v1/me/tokens', { as: second });
    expect(list.status).toBe(200);
    expect(list.body.tokens.map((t: { name: string }) => t.name)).toContain('laptop');
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);

    const revoked = await call('DELETE', `/v1/me/tokens/${created.body.id}`, { as: alice });
    expect(revoked.status).toBe(200);
    expectEnvelope(await call('GET', '/v1/me', { as: second }), 401, 'unauthorized');
    expect((await call('GET', '/v1/me', { as: alice })).status).toBe(200);
  });

  it('reports someone else’s token as not found when revoking it', async () => {
    const alice = await createUser('alice');
    const bob = await createUser('bob');
    const created = await call('POST', '/v1/me/tokens', { as: alice, body: {} });
    const res = await call('DELETE', `/v1/me/tokens/${created.body.id}`, { as: bob });
    expectEnvelope(res, 404, 'not_found');
    expect((await call('GET', '/v1/me', { as: { token: created.body.token } })).status).toBe(200);
  });

  it('stops a deactivated user’s tokens at once', async () => {
    const admin = await createUser('admin', { admin: true });
    const alice = await createUser('alice');
    const res = await call('POST', `/v1/users/${alice.id}/deactivate`, { as: admin });
    expect(res.status).toBe(200);
    expect(res.body.deactivated).toBe(true);
    expectEnvelope(await call('GET', '/v1/me', { as: alice }), 401, 'unauthorized');
  });
});
