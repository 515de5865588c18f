import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestUser } from '../helpers/app.ts';

let t: TestApp;
let admin: TestUser;
let alice: TestUser;
let bob: TestUser;

beforeEach(async () => {
  t = await createTestApp();
  admin = await t.user('admin', { admin: true });
  alice = await t.user('alice');
  bob = await t.user('bob');
});
afterEach(() => t.close());

async function channel(as: TestUser, name: string, extra: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/channels', { as, body: { name, ...extra } });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string };
}

async function post(as: TestUser, channelId: string, text: string, extra = {}) {
  return t.call('POST', `/v1/channels/${channelId}/messages`, { as, body: { text, ...extra } });
}

describe('channels', () => {
  it('creates a channel with its creator as the first member', async () => {
    const ch = await channel(alice, 'general', { topic: 'all things' });
    const members = await t.call('GET', `/v1/channels/${ch.id}/members`, { as: bob });
    expect(members.body.members.map((m: { name: string }) => m.name)).toEqual(['alice']);
    const got = await t.call('GET', `/v1/channels/${ch.id}`, { as: alice });
    expect(got.body).toMatchObject({ name: 'general', topic: 'all things', isMember: true });
  });

  it('refuses a second channel with the same name', async () => {
    await channel(alice, 'general');
    const res = await t.call('POST', '/v1/channels', { as: bob, body: { name: 'general' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('name_taken');
  });

  it('lists channels with unread counts that follow the read marker and deletions', async () => {
    const ch = await channel(alice, 'general');
    await t.call('POST', `/v1/channels/${ch.id}/join`, { as: bob });
    const posted = [];
    for (const text of ['one', 'two', 'three']) posted.push((await post(alice, ch.id, text)).body);

    const unread = async () => {
      const res = await t.call('GET', '/v1/channels', { as: bob });
      return res.body.channels.find((c: { id: string }) => c.id === ch.id);
    };
    expect(await unread()).toMatchObject({ unreadCount: 3, lastReadSeq: 0 });

    const read = await t.call('POST', `/v1/channels/${ch.id}/read`, {
      as: bob,
      body: { seq: posted[0].seq },
    });
    expect(read.body).toEqual({ lastReadSeq: posted[0].seq });
    expect(await unread()).toMatchObject({ unreadCount: 2, lastReadSeq: posted[0].seq });

    await t.call('DELETE', `/v1/messages/${posted[2].id}`, { as: alice });
    expect((await unread()).unreadCount).toBe(1);

    // The author has read everything up to their own last post.
    const own = await t.call('GET', '/v1/channels', { as: alice });
    expect(own.body.channels.find((c: { id: string }) => c.id === ch.id).unreadCount).toBe(0);
  });

  it('refuses a read marker past the head with 422', async () => {
    const ch = await channel(alice, 'general');
    const res = await t.call('POST', `/v1/channels/${ch.id}/read`, {
      as: alice,
      body: { seq: 999 },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('seq_out_of_range');
  });

  it('renames, sets the topic and archives; an archived channel refuses posts', async () => {
    const ch = await channel(alice, 'general');
    const renamed = await t.call('PATCH', `/v1/channels/${ch.id}`, {
      as: alice,
      body: { name: 'town-square', topic: 'hello' },
    });
    expect(renamed.body).toMatchObject({ name: 'town-square', topic: 'hello' });

    const archived = await t.call('POST', `/v1/channels/${ch.id}/archive`, { as: alice });
    expect(archived.body.archived).toBe(true);
    const res = await post(alice, ch.id, 'still here?');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('channel_archived');
  });

  it('refuses changes by non-members with 403', async () => {
    const ch = await channel(alice, 'general');
    const res = await t.call('PATCH', `/v1/channels/${ch.id}`, { as: bob, body: { topic: 'x' } });
    expect(res.status).toBe(403);
  });

  it('joins and leaves a public channel, and posting needs membership', async () => {
    const ch = await channel(alice, 'general');
    expect((await post(bob, ch.id, 'hi')).body.error.code).toBe('not_a_member');
    expect((await t.call('POST', `/v1/channels/${ch.id}/join`, { as: bob })).status).toBe(200);
    expect((await post(bob, ch.id, 'hi')).status).toBe(201);
    expect((await t.call('POST', `/v1/channels/${ch.id}/leave`, { as: bob })).status).toBe(200);
    expect((await post(bob, ch.id, 'hi again')).status).toBe(403);
  });

  it('adds and removes members of a private channel, by members only', async () => {
    const carol = await t.user('carol');
    const ch = await channel(alice, 'secret', { isPrivate: true });
    const add = await t.call('POST', `/v1/channels/${ch.id}/members`, {
      as: alice,
      body: { userId: bob.id },
    });
    expect(add.status).toBe(200);
    expect((await post(bob, ch.id, 'in')).status).toBe(201);

    const byOutsider = await t.call('POST', `/v1/channels/${ch.id}/members`, {
      as: carol,
      body: { userId: carol.id },
    });
    expect(byOutsider.status).toBe(404);

    const removed = await t.call('DELETE', `/v1/channels/${ch.id}/members/${bob.id}`, {
      as: alice,
    });
    expect(removed.status).toBe(200);
    expect((await t.call('GET', `/v1/channels/${ch.id}`, { as: bob })).status).toBe(404);
  });

  it('returns the same direct conversation for the same set of people', async () => {
    const first = await t.call('POST', '/v1/dms', { as: alice, body: { userIds: [bob.id] } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'dm', isPrivate: true });
    const again = await t.call('POST', '/v1/dms', { as: bob, body: { userIds: [alice.id] } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);

    const group = await t.call('POST', '/v1/dms', {
      as: alice,
      body: { userIds: [bob.id, admin.id] },
    });
    expect(group.status).toBe(201);
    expect(group.body.id).not.toBe(first.body.id);

    const carol = await t.user('carol');
    expect((await t.call('GET', `/v1/channels/${first.body.id}`, { as: carol })).status).toBe(404);
    const leave = await t.call('POST', `/v1/channels/${first.body.id}/leave`, { as: bob });
    expect(leave.status).toBe(409);
  });

  it('refuses a dm with an unknown user', async () => {
    const res = await t.call('POST', '/v1/dms', { as: alice, body: { userIds: ['usr_nope'] } });
    expect(res.status).toBe(404);
  });
});
