import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { editMessage, deleteMessage } from '../../src/chat/messages.ts';
import { startSearchOrigin } from '../../origin-search/src/server.ts';
import type { IndexDocument } from '../../src/search/contract.ts';
import {
  createSearchTestApp,
  resultIds,
  uniqueName,
  type SearchTestApp,
  type TestUser,
} from './helpers.ts';

let t: SearchTestApp;
let alice: TestUser;
let channel: { id: string; name: string };

beforeAll(async () => {
  t = await createSearchTestApp({ manualIndexing: true });
  alice = await t.user();
  channel = await t.channel(alice);
});
afterAll(() => t.close());

const actor = () => ({ userId: alice.id, isAdmin: false });

function doc(id: string, text: string, version: number): IndexDocument {
  return {
    id,
    channelId: channel.id,
    authorId: alice.id,
    threadId: null,
    seq: 1,
    isThread: false,
    hasLink: false,
    createdAt: new Date().toISOString(),
    text,
    version,
  };
}

async function originFinds(word: string): Promise<string[]> {
  const res = await t.origin.search({
    readableChannelIds: [channel.id],
    must: [{ kind: 'word', value: word }],
    not: [],
    filters: {},
    sort: 'relevance',
    limit: 10,
  });
  return res.hits.map((h) => h.id);
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 600));
}

describe('the search indexer', () => {
  it('keeps the newest version when an older event is replayed after an edit', async () => {
    const id = uniqueName('msg_');
    const [v1, v2] = [uniqueName('first'), uniqueName('second')];
    await t.origin.upsert([doc(id, v1, 5)]);
    await t.origin.upsert([doc(id, v2, 7)]);
    await t.origin.upsert([doc(id, v1, 5)]);
    await settle();
    expect(await originFinds(v2)).toEqual([id]);
    expect(await originFinds(v1)).toEqual([]);
  });

  it('does not bring a deleted message back when an older edit is replayed', async () => {
    const id = uniqueName('msg_');
    const word = uniqueName('zombie');
    await t.origin.upsert([doc(id, word, 3)]);
    await t.origin.delete([{ id, channelId: channel.id, version: 9 }]);
    await t.origin.upsert([doc(id, `${word} edited`, 8)]);
    await settle();
    expect(await originFinds(word)).toEqual([]);
  });

  it('indexes the log, then replays it from zero without changing the result', async () => {
    const [a, b, c] = [uniqueName('alpha'), uniqueName('beta'), uniqueName('gamma')];
    const kept = await t.post(alice, channel.id, `${a} stays`);
    const changed = await t.post(alice, channel.id, `${b} before edit`);
    const removed = await t.post(alice, channel.id, `${c} removed`);
    await editMessage(t.chat, actor(), changed.id, { text: `${b} after edit ${c}` });
    await deleteMessage(t.chat, actor(), removed.id);

    const summary = await t.indexer.runOnce();
    expect(summary.events).toBeGreaterThanOrEqual(5);
    // Nothing new: a second run sends nothing.
    expect((await t.indexer.runOnce()).events).toBe(0);

    // Rewind the cursor: at-least-once delivery means every event may come again.
    await t.db.write((tx) =>
      tx.run(`update consumer_cursors set seq = 0 where channel_id = '${channel.id}'`),
    );
    expect((await t.indexer.runOnce()).events).toBeGreaterThanOrEqual(5);
    await settle();
    expect(await originFinds(a)).toEqual([kept.id]);
    expect(await originFinds(c)).toEqual([changed.id]);
    expect(await originFinds('before')).not.toContain(changed.id);
    const res = await t.search(alice, c);
    expect(resultIds(res)).toEqual([changed.id]);
  });

  it('keeps accepting posts while the origin is down and catches up completely when it returns', async () => {
    const solrUrl = inject('solrUrl');
    const secret = inject('originSecret');
    let origin = await startSearchOrigin({ solrUrl, secret, port: 0, commitWithinMs: 200 });
    const port = origin.port;
    const app = await createSearchTestApp({ originUrl: origin.url });
    try {
      app.indexer.start({ intervalMs: 100 });
      const user = await app.user();
      const room = await app.channel(user);
      const tag = uniqueName('outage');
      await app.post(user, room.id, `${tag} before`);
      await app.searchUntil(user, tag, (r) => r.body.total === 1);

      await origin.stop();
      const posted: string[] = [];
      for (let i = 0; i < 30; i += 1)
        posted.push((await app.post(user, room.id, `${tag} during ${i}`)).id);
      const down = await app.search(user, tag);
      expect(down.status).toBe(503);

      origin = await startSearchOrigin({ solrUrl, secret, port, commitWithinMs: 200 });
      const back = await app.searchUntil(user, tag, (r) => r.body.total === 31, 10_000);
      expect(back.body.total).toBe(31);
      const all = await app.search(user, `${tag} during`, { limit: '50' });
      expect(resultIds(all).sort()).toEqual([...posted].sort());
    } finally {
      await app.close();
      await origin.stop();
    }
  });
});
