import { describe, expect, it } from 'vitest';
import { call, createChannel, createUser, postMessage } from './client.ts';

describe('the event log', () => {
  it('records every change in order, gap-free, with the head seq', async () => {
    const [alice, bob] = await Promise.all([createUser('alice'), createUser('bob')]);
    const ch = await createChannel(alice, 'log');
    await call('POST', `/v1/channels/${ch.id}/join`, { as: bob });
    const m = (await postMessage(alice, ch.id, 'first')).body;
    await call('PATCH', `/v1/messages/${m.id}`, { as: alice, body: { text: 'first!' } });
    await call('PUT', `/v1/messages/${m.id}/reactions/tada`, { as: bob });
    await call('DELETE', `/v1/messages/${m.id}/reactions/tada`, { as: bob });
    await call('DELETE', `/v1/messages/${m.id}`, { as: alice });
    await call('PATCH', `/v1/channels/${ch.id}`, { as: alice, body: { topic: 'news' } });
    await call('POST', `/v1/channels/${ch.id}/leave`, { as: bob });

    const res = await call('GET', `/v1/channels/${ch.id}/events?after=0`, { as: alice });
    expect(res.status).toBe(200);
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual([
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
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(res.body.headSeq).toBe(9);
    expect(res.body.events[2].data.message).toMatchObject({ seq: 3, text: 'first' });
    expect(res.body.events[3].data.message.text).toBe('first!');

    const tail = await call('GET', `/v1/channels/${ch.id}/events?after=7&limit=1`, { as: alice });
    expect(tail.body.events.map((e: { seq: number }) => e.seq)).toEqual([8]);
    expect(tail.body.hasMore).toBe(true);
  });

  it('lands every concurrent post, with paging meanwhile seeing no gap and no repeat', async () => {
    const [alice, bob] = await Promise.all([createUser('alice'), createUser('bob')]);
    const ch = await createChannel(alice, 'busy');
    await call('POST', `/v1/channels/${ch.id}/join`, { as: bob });
    const seeded = 20;
    for (let i = 0; i < seeded; i++) await postMessage(alice, ch.id, `seed ${i}`);

    // Posts from two users at once, while a reader pages back through history.
    const concurrent = 100;
    const posts = Array.from({ length: concurrent }, (_, i) =>
      postMessage(i % 2 ? alice : bob, ch.id, `live ${i}`, { clientMsgId: `live-${i}` }),
    );
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const query = `limit=7${before === undefined ? '' : `&before=${before}`}`;
      const res = await call('GET', `/v1/channels/${ch.id}/messages?${query}`, { as: bob });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const page = res.body;
      for (const m of page.messages) seen.push(m.seq);
      if (!page.hasMore) break;
      before = page.messages.at(-1).seq;
    }
    const results = await Promise.all(posts);
    const refused = results.filter((r) => r.status !== 201).map((r) => JSON.stringify(r.body));
    expect(refused).toEqual([]);
    expect(new Set(results.map((r) => r.body.seq)).size).toBe(concurrent);

    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    const all = (await call('GET', `/v1/channels/${ch.id}/events?after=0&limit=1000`, { as: bob }))
      .body;
    const created = all.events
      .filter((e: { type: string }) => e.type === 'message.created')
      .map((e: { seq: number }) => e.seq);
    expect(created).toHaveLength(seeded + concurrent);
    expect(seen).toEqual(created.filter((s: number) => s <= seen[0]!).reverse());

    const seqs = all.events.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
    expect(all.headSeq).toBe(seqs.length);
  });

  it('keeps a retried post single when the retries arrive at once', async () => {
    const alice = await createUser('alice');
    const ch = await createChannel(alice, 'retries');
    const attempts = await Promise.all(
      Array.from({ length: 20 }, () => postMessage(alice, ch.id, 'once', { clientMsgId: 'same' })),
    );
    expect(attempts.filter((r) => r.status === 201)).toHaveLength(1);
    expect(attempts.filter((r) => r.status === 200)).toHaveLength(19);
    expect(new Set(attempts.map((r) => r.body.id)).size).toBe(1);
    const page = await call('GET', `/v1/channels/${ch.id}/messages`, { as: alice });
    expect(page.body.messages).toHaveLength(1);
  });
});
