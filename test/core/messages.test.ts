import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestUser } from '../helpers/app.ts';

let t: TestApp;
let admin: TestUser;
let alice: TestUser;
let bob: TestUser;
let channelId: string;

beforeEach(async () => {
  t = await createTestApp();
  admin = await t.user('admin', { admin: true });
  alice = await t.user('alice');
  bob = await t.user('bob');
  channelId = (await t.call('POST', '/v1/channels', { as: alice, body: { name: 'general' } })).body
    .id;
  await t.call('POST', `/v1/channels/${channelId}/join`, { as: bob });
});
afterEach(() => t.close());

const post = (as: TestUser, text: string, extra: Record<string, unknown> = {}) =>
  t.call('POST', `/v1/channels/${channelId}/messages`, { as, body: { text, ...extra } });

describe('messages', () => {
  it('posts a message with 201 and a strictly increasing seq', async () => {
    const a = await post(alice, '  hello  ');
    const b = await post(bob, 'hi');
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ text: 'hello', authorId: alice.id, channelId, deleted: false });
    expect(b.body.seq).toBeGreaterThan(a.body.seq);
  });

  it('returns the original message with 200 for a retried clientMsgId', async () => {
    const first = await post(alice, 'once', { clientMsgId: 'c-1' });
    const retry = await post(alice, 'once', { clientMsgId: 'c-1' });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    const other = await post(bob, 'mine', { clientMsgId: 'c-1' });
    expect(other.status).toBe(201);
    const page = await t.call('GET', `/v1/channels/${channelId}/messages`, { as: alice });
    expect(page.body.messages.filter((m: { text: string }) => m.text === 'once')).toHaveLength(1);
  });

  it('enforces clientMsgId uniqueness in the database itself', async () => {
    await post(alice, 'once', { clientMsgId: 'c-2' });
    const insertAgain = t.db.write((tx) =>
      tx.run(
        sql`insert into messages (id, channel_id, seq, author_id, text, client_msg_id, created_at)
          values ('msg_dupe', ${channelId}, 9999, ${alice.id}, 'again', 'c-2', 0)`,
      ),
    );
    const error = await insertAgain.then(
      () => null,
      (err: Error) => err,
    );
    expect(String((error as Error & { cause?: Error })?.cause?.message)).toMatch(/UNIQUE/);
  });

  it('pages history newest first with before, and oldest first with after', async () => {
    const seqs: number[] = [];
    for (let i = 0; i < 7; i++) seqs.push((await post(alice, `m${i}`)).body.seq);
    const first = await t.call('GET', `/v1/channels/${channelId}/messages?limit=3`, { as: bob });
    expect(first.body.messages.map((m: { text: string }) => m.text)).toEqual(['m6', 'm5', 'm4']);
    expect(first.body.hasMore).toBe(true);
    const before = first.body.messages.at(-1).seq;
    const second = await t.call(
      'GET',
      `/v1/channels/${channelId}/messages?limit=3&before=${before}`,
      { as: bob },
    );
    expect(second.body.messages.map((m: { text: string }) => m.text)).toEqual(['m3', 'm2', 'm1']);
    const last = await t.call('GET', `/v1/channels/${channelId}/messages?before=${seqs[1]}`, {
      as: bob,
    });
    expect(last.body).toMatchObject({ hasMore: false });
    expect(last.body.messages.map((m: { text: string }) => m.text)).toEqual(['m0']);
    const forward = await t.call(
      'GET',
      `/v1/channels/${channelId}/messages?after=${seqs[4]}&limit=10`,
      { as: bob },
    );
    expect(forward.body.messages.map((m: { text: string }) => m.text)).toEqual(['m5', 'm6']);
  });

  it('refuses a page size over 200', async () => {
    const res = await t.call('GET', `/v1/channels/${channelId}/messages?limit=201`, { as: bob });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].field).toBe('limit');
  });

  it('lets only the author edit, and records the edit', async () => {
    const m = (await post(alice, 'draft')).body;
    const byBob = await t.call('PATCH', `/v1/messages/${m.id}`, { as: bob, body: { text: 'x' } });
    expect(byBob.status).toBe(403);
    const edited = await t.call('PATCH', `/v1/messages/${m.id}`, {
      as: alice,
      body: { text: 'final' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.text).toBe('final');
    expect(edited.body.editedAt).not.toBeNull();
    expect((await t.call('GET', `/v1/messages/${m.id}`, { as: bob })).body.text).toBe('final');
  });

  it('deletes for the author or an admin, leaving a tombstone without the text', async () => {
    const m = (await post(alice, 'oops')).body;
    expect((await t.call('DELETE', `/v1/messages/${m.id}`, { as: bob })).status).toBe(403);
    const del = await t.call('DELETE', `/v1/messages/${m.id}`, { as: admin });
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ deleted: true, text: '' });
    const page = await t.call('GET', `/v1/channels/${channelId}/messages`, { as: bob });
    expect(page.body.messages[0]).toMatchObject({ id: m.id, deleted: true, text: '' });
    const rows = await t.db.read.all<{ text: string }>(
      sql`select text from messages where id = ${m.id}`,
    );
    expect(rows[0]!.text).toBe('');
    const edit = await t.call('PATCH', `/v1/messages/${m.id}`, { as: alice, body: { text: 'b' } });
    expect(edit.status).toBe(409);
  });

  it('keeps threads: replies count on the root and list under it, not in history', async () => {
    const root = (await post(alice, 'root')).body;
    const r1 = (await post(bob, 'reply one', { threadId: root.id })).body;
    await post(alice, 'reply two', { threadId: r1.id });
    expect(r1.threadId).toBe(root.id);

    const replies = await t.call('GET', `/v1/messages/${root.id}/replies`, { as: bob });
    expect(replies.body.root).toMatchObject({ id: root.id, replyCount: 2 });
    expect(replies.body.messages.map((m: { text: string }) => m.text)).toEqual([
      'reply one',
      'reply two',
    ]);
    const history = await t.call('GET', `/v1/channels/${channelId}/messages`, { as: bob });
    expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(['root']);
  });

  it('refuses a thread in another channel', async () => {
    const other = (await t.call('POST', '/v1/channels', { as: alice, body: { name: 'other' } }))
      .body.id;
    const root = (
      await t.call('POST', `/v1/channels/${other}/messages`, { as: alice, body: { text: 'x' } })
    ).body;
    const res = await post(alice, 'wrong place', { threadId: root.id });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('thread_not_found');
  });

  it('adds and removes reactions idempotently', async () => {
    const m = (await post(alice, 'react to me')).body;
    const url = `/v1/messages/${m.id}/reactions/${encodeURIComponent('👍')}`;
    await t.call('PUT', url, { as: bob });
    const twice = await t.call('PUT', url, { as: bob });
    await t.call('PUT', url, { as: alice });
    expect(twice.status).toBe(200);
    const got = await t.call('GET', `/v1/messages/${m.id}`, { as: bob });
    expect(got.body.reactions).toEqual([{ emoji: '👍', count: 2, userIds: [bob.id, alice.id] }]);
    await t.call('DELETE', url, { as: bob });
    const after = await t.call('GET', `/v1/messages/${m.id}`, { as: bob });
    expect(after.body.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [alice.id] }]);
  });

  it('refuses empty or over-long text, counting after trimming', async () => {
    expect((await post(alice, '   ')).status).toBe(400);
    expect((await post(alice, 'x'.repeat(40_001))).status).toBe(400);
    const max = await post(alice, ` ${'x'.repeat(40_000)} `);
    expect(max.status).toBe(201);
    expect(max.body.text).toHaveLength(40_000);
  });

  it('refuses text that shows as nothing: only zero-width characters and spaces', async () => {
    const blank = await post(alice, ' \u200b\u2060 \ufeff\u200d ');
    expect(blank.status).toBe(400);
    expect(blank.body.error.details).toMatchObject({ field: 'text' });
    expect((await post(alice, 'a\u200bb')).status).toBe(201);
  });

  it('stores, answers and publishes one text for a lone surrogate: U+FFFD in its place', async () => {
    const posted = await post(alice, 'lone \ud800 high, lone \udc00 low, pair \ud83d\ude00');
    expect(posted.status).toBe(201);
    const expected = 'lone \ufffd high, lone \ufffd low, pair \ud83d\ude00';
    expect(posted.body.text).toBe(expected);
    const read = await t.call('GET', `/v1/messages/${posted.body.id}`, { as: bob });
    expect(read.body.text).toBe(expected);
    const events = await t.call('GET', `/v1/channels/${channelId}/events?after=0`, { as: bob });
    const created = events.body.events.find(
      (e: { type: string; data: { message?: { id: string } } }) =>
        e.type === 'message.created' && e.data.message?.id === posted.body.id,
    );
    expect(created.data.message.text).toBe(expected);
  });
});

describe('the event log', () => {
  it('records every change in order, gap-free, with the head seq', async () => {
    const m = (await post(alice, 'first')).body;
    await t.call('PATCH', `/v1/messages/${m.id}`, { as: alice, body: { text: 'first!' } });
    await t.call('PUT', `/v1/messages/${m.id}/reactions/tada`, { as: bob });
    await t.call('DELETE', `/v1/messages/${m.id}/reactions/tada`, { as: bob });
    await t.call('DELETE', `/v1/messages/${m.id}`, { as: alice });
    await t.call('PATCH', `/v1/channels/${channelId}`, { as: alice, body: { topic: 'news' } });
    await t.call('POST', `/v1/channels/${channelId}/leave`, { as: bob });

    const res = await t.call('GET', `/v1/channels/${channelId}/events?after=0`, { as: alice });
    expect(res.status).toBe(200);
    const types = res.body.events.map((e: { type: string }) => e.type);
    expect(types).toEqual([
      'member.joined',
      'member.joined',
      'message.created',
      'message.edited',
      'reaction.added',
      'reaction.removed',
      'message.deleted',
      'channel.updated',
      'member.left',
    ]);
    const seqs = res.body.events.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
    expect(res.body.headSeq).toBe(9);
    expect(res.body.events[2].data.message.seq).toBe(3);
    expect(res.body.events[3].data.message.text).toBe('first!');

    const tail = await t.call('GET', `/v1/channels/${channelId}/events?after=7&limit=1`, {
      as: alice,
    });
    expect(tail.body.events.map((e: { seq: number }) => e.seq)).toEqual([8]);
    expect(tail.body.hasMore).toBe(true);
  });

  it('appends nothing for a change that changes nothing', async () => {
    const m = (await post(alice, 'same')).body;
    await t.call('PATCH', `/v1/messages/${m.id}`, { as: alice, body: { text: 'same' } });
    await t.call('POST', `/v1/channels/${channelId}/join`, { as: bob });
    await post(alice, 'same', { clientMsgId: 'k' });
    await post(alice, 'same', { clientMsgId: 'k' });
    const res = await t.call('GET', `/v1/channels/${channelId}/events`, { as: alice });
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual([
      'member.joined',
      'member.joined',
      'message.created',
      'message.created',
    ]);
  });

  it('hands committed events to onEvents after the response', async () => {
    const seen: number[] = [];
    const t2 = await createTestApp({
      onEvents: async (events) => {
        for (const e of events) seen.push(e.seq);
      },
    });
    try {
      const u = await t2.user('u');
      const ch = (await t2.call('POST', '/v1/channels', { as: u, body: { name: 'c' } })).body;
      await t2.call('POST', `/v1/channels/${ch.id}/messages`, { as: u, body: { text: 'x' } });
      await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual([1, 2]);
    } finally {
      await t2.close();
    }
  });

  it('still answers 201 when publishing the events fails', async () => {
    const warnings: unknown[] = [];
    const t2 = await createTestApp({
      onEvents: async () => {
        throw new Error('room unreachable');
      },
      log: (entry) => {
        if (entry.level === 'warn') warnings.push(entry);
      },
    });
    try {
      const u = await t2.user('u');
      const ch = (await t2.call('POST', '/v1/channels', { as: u, body: { name: 'c' } })).body;
      const res = await t2.call('POST', `/v1/channels/${ch.id}/messages`, {
        as: u,
        body: { text: 'x' },
      });
      expect(res.status).toBe(201);
      await new Promise((r) => setTimeout(r, 20));
      expect(warnings.length).toBeGreaterThan(0);
      const log = await t2.call('GET', `/v1/channels/${ch.id}/events`, { as: u });
      expect(log.body.events.at(-1).type).toBe('message.created');
    } finally {
      await t2.close();
    }
  });
});
