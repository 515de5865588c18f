import { describe, expect, it } from 'vitest';
import {
  call,
  createChannel,
  createUser,
  expectEnvelope,
  postMessage,
  type TestUser,
} from './client.ts';

async function listed(as: TestUser, channelId: string) {
  const res = await call('GET', '/v1/channels', { as });
  expect(res.status).toBe(200);
  return res.body.channels.find((c: { id: string }) => c.id === channelId);
}

describe('channels', () => {
  it('creates a channel with its creator as the only member', async () => {
    const [alice, bob] = await Promise.all([createUser('alice'), createUser('bob')]);
    const ch = await createChannel(alice, 'general', { topic: 'all things' });
    expect(ch).toMatchObject({ kind: 'channel', isPrivate: false, archived: false, headSeq: 1 });

    const got = await call('GET', `/v1/channels/${ch.id}`, { as: alice });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: ch.id,
      name: ch.name,
      topic: 'all things',
      isMember: true,
    });
    const members = await call('GET', `/v1/channels/${ch.id}/members`, { as: bob });
    expect(members.body.members.map((m: { id: string }) => m.id)).toEqual([alice.id]);
  });

  it('refuses a second channel with the same name with 409', async () => {
    const alice = await createUser('alice');
    const ch = await createChannel(alice, 'dup');
    const res = await call('POST', '/v1/channels', { as: alice, body: { name: ch.name } });
    expectEnvelope(res, 409, 'name_taken');
  });

  it('lists channels with unread counts that follow the read marker and deletions', async () => {
    const [alice, bob] = await Promise.all([createUser('alice'), createUser('bob')]);
    const ch = await createChannel(alice, 'unread');
    expect((await call('POST', `/v1/channels/${ch.id}/join`, { as: bob })).status).toBe(200);
    const posted = [];
    for (const text of ['one', 'two', 'three']) {
      posted.push((await postMessage(alice, ch.id, text)).body);
    }
    expect(await listed(bob, ch.id)).toMatchObject({ unreadCount: 3, lastReadSeq: 0 });

    const read = await call('POST', `/v1/channels/${ch.id}/read`, {
      as: bob,
      body: { seq: posted[0].seq },
    });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ lastReadSeq: posted[0].seq });
    expect(await listed(bob, ch.id)).toMatchObject({ unreadCount: 2, lastReadSeq: posted[0].seq });

    await call('DELETE', `/v1/messages/${posted[2].id}`, { as: alice });
    expect((await listed(bob, ch.id)).unreadCount).toBe(1);
    expect((await listed(alice, ch.id)).unreadCount).toBe(0);
  });

  it('refuses a read marker past the head with 422 seq_out_of_range', async () => {
    const alice = await createUser('alice');
    const ch = await createChannel(alice, 'marker');
    const res = await call('POST', `/v1/channels/${ch.id}/read`, { as: alice, body: { seq: 999 } });
    expectEnvelope(res, 422, 'seq_out_of_range');
  });

  it('renames, sets the topic and archives; an archived channel refuses posts', async () => {
    const alice = await createUser('alice');
    const ch = await createChannel(alice, 'rename');
    const newName = `${ch.name}-renamed`;
    const renamed = await call('PATCH', `/v1/channels/${ch.id}`, {
      as: alice,
      body: { name: newName },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: newName, topic: '' });
    const topic = await call('PATCH', `/v1/channels/${ch.id}`, {
      as: alice,
      body: { topic: 'hi' },
    });
    expect(topic.body).toMatchObject({ name: newName, topic: 'hi' });

    const archived = await call('POST', `/v1/channels/${ch.id}/archive`, { as: alice });
    expect(archived.status).toBe(200);
    expect(archived.body.archived).toBe(true);
    expectEnvelope(await postMessage(alice, ch.id, 'still here?'), 409, 'channel_archived');
  });

  it('refuses changes by a non-member with 403', async () => {
    const [alice, bob] = await Promise.all([createUser('alice'), createUser('bob')]);
    const ch = await createChannel(alice, 'guarded');
    const res = await call('PATCH', `/v1/channels/${ch.id}`, { as: bob, body: { topic: 'x' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toEqual(expect.any(String));
    expect((await call('GET', `/v1/channels/${ch.id}`, { as: bob })).body.topic).toBe('');
  });

  it('joins and leaves a public channel, and posting needs membership', async () => {
    const [alice, bob] = await Promise.all([createUser('alice'), createUser('bob')]);
    const ch = await createChannel(alice, 'joinable');
    expectEnvelope(await postMessage(bob, ch.id, 'hi'), 403, 'not_a_member');
    expect((await call('POST', `/v1/channels/${ch.id}/join`, { as: bob })).status).toBe(200);
    expect((await call('GET', `/v1/channels/${ch.id}`, { as: bob })).body.isMember).toBe(true);
    expect((await postMessage(bob, ch.id, 'hi')).status).toBe(201);
    expect((await call('POST', `/v1/channels/${ch.id}/leave`, { as: bob })).status).toBe(200);
    expect((await postMessage(bob, ch.id, 'hi again')).status).toBe(403);
  });

  it('adds and removes members of a private channel, by members only', async () => {
    const [alice, bob, carol] = await Promise.all([
      createUser('alice'),
      createUser('bob'),
      createUser('carol'),
    ]);
    const ch = await createChannel(alice, 'private', { isPrivate: true });
    const add = await call('POST', `/v1/channels/${ch.id}/members`, {
      as: alice,
      body: { userId: bob.id },
    });
    expect(add.status).toBe(200);
    expect((await postMessage(bob, ch.id, 'in')).status).toBe(201);
    const members = await call('GET', `/v1/channels/${ch.id}/members`, { as: bob });
    expect(members.body.members.map((m: { id: string }) => m.id).sort()).toEqual(
      [alice.id, bob.id].sort(),
    );

    const byOutsider = await call('POST', `/v1/channels/${ch.id}/members`, {
      as: carol,
      body: { userId: carol.id },
    });
    expectEnvelope(byOutsider, 404, 'not_found');

    const removed = await call('DELETE', `/v1/channels/${ch.id}/members/${bob.id}`, { as: alice });
    expect(removed.status).toBe(200);
    expectEnvelope(await call('GET', `/v1/channels/${ch.id}`, { as: bob }), 404, 'not_found');
  });
});

describe('direct conversations', () => {
  it('returns the same conversation for the same set of people', async () => {
    const [alice, bob, carol] = await Promise.all([
      createUser('alice'),
      createUser('bob'),
      createUser('carol'),
    ]);
    const first = await call('POST', '/v1/dms', { as: alice, body: { userIds: [bob.id] } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'dm', isPrivate: true });
    const again = await call('POST', '/v1/dms', { as: bob, body: { userIds: [alice.id] } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);

    const group = await call('POST', '/v1/dms', {
      as: alice,
      body: { userIds: [bob.id, carol.id] },
    });
    expect(group.status).toBe(201);
    expect(group.body.id).not.toBe(first.body.id);

    expectEnvelope(
      await call('GET', `/v1/channels/${first.body.id}`, { as: carol }),
      404,
      'not_found',
    );
    expect((await postMessage(bob, first.body.id, 'psst')).status).toBe(201);
    expect((await call('POST', `/v1/channels/${first.body.id}/leave`, { as: bob })).status).toBe(
      409,
    );
  });

  it('refuses a conversation with an unknown user with 404', async () => {
    const alice = await createUser('alice');
    const res = await call('POST', '/v1/dms', { as: alice, body: { userIds: ['usr_nope'] } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toEqual(expect.any(String));
  });
});
