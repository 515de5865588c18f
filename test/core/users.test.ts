import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestUser } from '../helpers/app.ts';

let t: TestApp;
let admin: TestUser;
let alice: TestUser;

beforeEach(async () => {
  t = await createTestApp();
  admin = await t.user('admin', { admin: true });
  alice = await t.user('alice');
});
afterEach(() => t.close());

describe('users and tokens', () => {
  it('returns the caller from /v1/me', async () => {
    const res = await t.call('GET', '/v1/me', { as: alice });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: alice.id, name: 'alice', isAdmin: false });
  });

  it('lets an admin create a user, whose token then works', async () => {
    const res = await t.call('POST', '/v1/users', {
      as: admin,
      body: { name: 'bob', displayName: 'Bob B' },
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ name: 'bob', displayName: 'Bob B' });
    const me = await t.call('GET', '/v1/me', {
      as: { ...alice, token: res.body.token.token },
    });
    expect(me.body.name).toBe('bob');
  });

  it('refuses user creation by a non-admin with 403', async () => {
    const res = await t.call('POST', '/v1/users', { as: alice, body: { name: 'carol' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('refuses a taken user name with 409', async () => {
    const res = await t.call('POST', '/v1/users', { as: admin, body: { name: 'alice' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('name_taken');
  });

  it('refuses names outside [a-z0-9._-]{1,80} and names the field', async () => {
    for (const name of ['Alice', 'a b', '', 'x'.repeat(81), 'é']) {
      const res = await t.call('POST', '/v1/users', { as: admin, body: { name } });
      expect(res.status).toBe(400);
      expect(res.body.error.details.issues[0].field).toBe('name');
    }
  });

  it('stops a deactivated user’s tokens at once', async () => {
    expect((await t.call('GET', '/v1/me', { as: alice })).status).toBe(200);
    const res = await t.call('POST', `/v1/users/${alice.id}/deactivate`, { as: admin });
    expect(res.status).toBe(200);
    expect(res.body.deactivated).toBe(true);
    const after = await t.call('GET', '/v1/me', { as: alice });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
  });

  it('does not let an admin deactivate themselves', async () => {
    const res = await t.call('POST', `/v1/users/${admin.id}/deactivate`, { as: admin });
    expect(res.status).toBe(409);
  });

  it('creates, lists and revokes the caller’s own tokens', async () => {
    const created = await t.call('POST', '/v1/me/tokens', { as: alice, body: { name: 'laptop' } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^stek_[0-9a-f]{64}$/);
    const second = { ...alice, token: created.body.token };
    const list = await t.call('GET', '/v1/me/tokens', { as: second });
    expect(list.body.tokens.map((tk: { name: string }) => tk.name)).toContain('laptop');
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);

    const revoked = await t.call('DELETE', `/v1/me/tokens/${created.body.id}`, { as: alice });
    expect(revoked.status).toBe(200);
    expect((await t.call('GET', '/v1/me', { as: second })).status).toBe(401);
    expect((await t.call('GET', '/v1/me', { as: alice })).status).toBe(200);
  });

  it('reports someone else’s token as not found when revoking it', async () => {
    const created = await t.call('POST', '/v1/me/tokens', { as: alice, body: {} });
    const res = await t.call('DELETE', `/v1/me/tokens/${created.body.id}`, { as: admin });
    expect(res.status).toBe(404);
  });

  it('stores only a hash of each token', async () => {
    const rows = await t.db.read.all<{ token_hash: string }>(
      // drizzle's sql tag keeps this a plain read
      (await import('drizzle-orm')).sql`select token_hash from api_tokens`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.token_hash).not.toBe(alice.token);
    }
  });
});
