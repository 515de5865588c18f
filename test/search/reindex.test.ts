import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteMessage } from '../../src/chat/messages.ts';
import { rebuildSearchIndex } from '../../src/search/rebuild.ts';
import {
  createSearchTestApp,
  resultIds,
  uniqueName,
  type SearchTestApp,
  type TestUser,
} from './helpers.ts';

let t: SearchTestApp;
let alice: TestUser;

beforeAll(async () => {
  t = await createSearchTestApp({ manualIndexing: true });
  alice = await t.user();
});
afterAll(() => t.close());

describe('stek reindex', () => {
  it('rebuilds the index from the database and moves the cursor to the head', async () => {
    const room = await t.channel(alice);
    const tag = uniqueName('rebuild');
    const kept = await t.post(alice, room.id, `${tag} kept`);
    const gone = await t.post(alice, room.id, `${tag} gone`);
    await deleteMessage(t.chat, { userId: alice.id, isAdmin: false }, gone.id);
    expect((await t.search(alice, tag)).body.total).toBe(0);

    const result = spawnSync(process.execPath, ['bin/stek.mjs', 'reindex', '--json'], {
      env: {
        ...process.env,
        STEK_DATABASE_URL: t.databaseUrl,
        SEARCH_ORIGIN_URL: inject('originUrl'),
        SEARCH_ORIGIN_SECRET: inject('originSecret'),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ messages: 2, indexed: 1, tombstones: 1 });

    const res = await t.searchUntil(alice, tag, (r) => r.body.total === 1);
    expect(resultIds(res)).toEqual([kept.id]);
    // The live indexer has nothing left to do for this channel.
    expect((await t.indexer.runOnce()).events).toBe(0);
  });
});

describe('rebuilding the index', () => {
  it('stops between batches when its signal aborts, indexing nothing more', async () => {
    const room = await t.channel(alice);
    const tag = uniqueName('abort');
    await t.post(alice, room.id, `${tag} one`);
    const stop = new AbortController();
    stop.abort(new Error('shutting down'));
    await expect(
      rebuildSearchIndex({ db: t.db, origin: t.origin, signal: stop.signal }),
    ).rejects.toThrow('shutting down');
    expect((await t.search(alice, tag)).body.total).toBe(0);
  });
});
