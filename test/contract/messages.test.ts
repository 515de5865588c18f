import { beforeEach, describe, expect, it } from 'vitest';
import {
  call,
  createChannel,
  createUser,
  expectEnvelope,
  postMessage,
  uniqueName,
  type TestUser,
} from './client.ts';

let admin: TestUser;
let alice: TestUser;
let bob: TestUser;
let channelId: string;

beforeEach(async () => {
  [admin, alice, bob] = await Promise.all([
    createUser('admin', { admin: true }),
    createUser('alice'),
    createUser('bob'),
  ]);
  channelId = (await createChannel(alice, 'messages')).id;
  expect((await call('POST', `/v1/channels/${channelId}/join`, { as: bob })).status).toBe(200);
});

const post = (as: TestUser, text: string, extra: Record<string, unknown> = {}) =>
  postMessage(as, channelId, text, extra);
const texts = (messages: Array<{ text: string }>) => messages.map((m) => m.text);

describe('messages', () => {
  it('posts a message with 201, trimmed, and a strictly increasing seq', async () => {
    const a = await post(alice, '  hello  ');
    const b = await post(bob, 'hi');
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ text: 'hello', authorId: alice.id, channelId, deleted: false });
    expect(a.body.id).toMatch(/^msg_/);
    expect(b.status).toBe(201);
    expect(b.body.seq).toBe(a.body.seq + 1);
  });

  it('answers a retried clientMsgId with 200 and the original message', async () => {
    const key = uniqueName('c');
    const first = await post(alice, 'once', { clientMsgId: key });
    const retry = await post(alice, 'once', { clientMsgId: key });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    const other = await post(bob, 'mine', { clientMsgId: key });
    expect(other.status).toBe(201);
    const page = await call('GET', `/v1/channels/${channelId}/messages`, { as: alice });
    expect(texts(page.body.messages)).toEqual(['mine', 'once']);
  });

  it('pages history newest first with before, and oldest first with after', async () => {
    const seqs: number[] = [];
    for (let i = 0; i < 7; i++) seqs.push((await post(alice, `m${i}`)).body.seq);
    const base = `/v1/channels/${channelId}/messages`;

    const first = await call('GET', `${base}?limit=3`, { as: bob });
    expect(first.status).toBe(200);
    expect(texts(first.body.messages)).toEqual(['m6', 'm5', 'm4']);
    expect(first.body.hasMore).toBe(true);

    const before = first.body.messages.at(-1).seq;
    const second = await call('GET', `${base}?limit=3&before=${before}`, { as: bob });
    expect(texts(second.body.messages)).toEqual(['m3', 'm2', 'm1']);

    const last = await call('GET', `${base}?before=${seqs[1]}`, { as: bob });
    expect(last.body.hasMore).toBe(false);
    expect(texts(last.body.messages)).toEqual(['m0']);

    const forward = await call('GET', `${base}?after=${seqs[4]}&limit=10`, { as: bob });
    expect(texts(forward.body.messages)).toEqual(['m5', 'm6']);
  });

  it('accepts a page of 200 and refuses 201 naming the limit field', async () => {
    const ok = await call('GET', `/v1/channels/${channelId}/messages?limit=200`, { as: bob });
    expect(ok.status).toBe(200);
    const res = await call('GET', `/v1/channels/${channelId}/messages?limit=201`, { as: bob });
    expectEnvelope(res, 400, 'invalid_request');
    expect(res.body.error.details.issues[0].field).toBe('limit');
  });

  it('gets a message and lets only its author edit it, recording the edit', async () => {
    const m = (await post(alice, 'draft')).body;
    const got = await call('GET', `/v1/messages/${m.id}`, { as: bob });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: m.id, text: 'draft', editedAt: null });

    const byBob = await call('PATCH', `/v1/messages/${m.id}`, { as: bob, body: { text: 'x' } });
    expect(byBob.status).toBe(403);
    const edited = await call('PATCH', `/v1/messages/${m.id}`, {
      as: alice,
      body: { text: 'final' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.text).toBe('final');
    expect(edited.body.editedAt).toEqual(expect.any(String));
    expect((await call('GET', `/v1/messages/${m.id}`, { as: bob })).body.text).toBe('final');
  });

  it('deletes for the author or an admin, leaving a tombstone without the text', async () => {
    const m = (await post(alice, 'oops')).body;
    expect((await call('DELETE', `/v1/messages/${m.id}`, { as: bob })).status).toBe(403);
    const del = await call('DELETE', `/v1/messages/${m.id}`, { as: admin });
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ id: m.id, deleted: true, text: '' });

    const page = await call('GET', `/v1/channels/${channelId}/messages`, { as: bob });
    expect(page.body.messages[0]).toMatchObject({ id: m.id, deleted: true, text: '' });
    expect(JSON.stringify(page.body)).not.toContain('oops');
    const edit = await call('PATCH', `/v1/messages/${m.id}`, { as: alice, body: { text: 'b' } });
    expect(edit.status).toBe(409);
  });

  it('keeps threads: replies count on the root and list under it, not in history', async () => {
    const root = (await post(alice, 'root')).body;
    const r1 = (await post(bob, 'reply one', { threadId: root.id })).body;
    await post(alice, 'reply two', { threadId: r1.id });
    expect(r1.threadId).toBe(root.id);

    const replies = await call('GET', `/v1/messages/${root.id}/replies`, { as: bob });
    expect(replies.status).toBe(200);
    expect(replies.body.root).toMatchObject({ id: root.id, replyCount: 2 });
    expect(texts(replies.body.messages)).toEqual(['reply one', 'reply two']);
    const history = await call('GET', `/v1/channels/${channelId}/messages`, { as: bob });
    expect(texts(history.body.messages)).toEqual(['root']);
  });

  it('refuses a thread root from another channel with 404 thread_not_found', async () => {
    const other = await createChannel(alice, 'other');
    const root = (await postMessage(alice, other.id, 'elsewhere')).body;
    expectEnvelope(
      await post(alice, 'wrong place', { threadId: root.id }),
      404,
      'thread_not_found',
    );
  });

  it('adds and removes emoji reactions given in the path, idempotently', async () => {
    const m = (await post(alice, 'react to me')).body;
    const url = `/v1/messages/${m.id}/reactions/${encodeURIComponent('👍')}`;
    expect((await call('PUT', url, { as: bob })).status).toBe(200);
    expect((await call('PUT', url, { as: bob })).status).toBe(200);
    await call('PUT', url, { as: alice });
    await call('PUT', `/v1/messages/${m.id}/reactions/${encodeURIComponent('🎉')}`, { as: bob });

    const got = await call('GET', `/v1/messages/${m.id}`, { as: bob });
    expect(got.body.reactions).toEqual([
      { emoji: '👍', count: 2, userIds: [bob.id, alice.id] },
      { emoji: '🎉', count: 1, userIds: [bob.id] },
    ]);
    expect((await call('DELETE', url, { as: bob })).status).toBe(200);
    const after = await call('GET', `/v1/messages/${m.id}`, { as: bob });
    expect(after.body.reactions[0]).toEqual({ emoji: '👍', count: 1, userIds: [alice.id] });
  });

  it('refuses empty or over-long text, counting after trimming', async () => {
    expectEnvelope(await post(alice, '   '), 400, 'invalid_request');
    expect((await post(alice, 'x'.repeat(40_001))).status).toBe(400);
    const max = await post(alice, ` ${'x'.repeat(40_000)} `);
    expect(max.status).toBe(201);
    expect(max.body.text).toHaveLength(40_000);
  });
});
