import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { readQuery } from '../../src/chat/read-queries.ts';
import { messages } from '../../src/db/schema.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/database.ts';
import { createLocalClient } from '../../src/db/local-client.ts';
import { openDatabase } from '../../src/db/node.ts';
import { countCommittedMigrations, makeTempDir } from '../helpers/app.ts';

let temp: ReturnType<typeof makeTempDir>;
let db: Database;

beforeEach(async () => {
  temp = makeTempDir();
  db = await openDatabase({ url: `file:${join(temp.dir, 'x.db')}` });
  await db.write((tx) => tx.run(sql`create table t (v text primary key)`));
});
afterEach(async () => {
  await db.close();
  temp.remove();
});

const values = async () =>
  (await db.read.all<{ v: string }>(sql`select v from t order by v`)).map((r) => r.v);

describe('the write queue', () => {
  it('lets a failing job in a shared commit undo only its own changes', async () => {
    const results = await Promise.allSettled([
      db.write((tx) => tx.run(sql`insert into t values ('a')`)),
      db.write(async (tx) => {
        await tx.run(sql`insert into t values ('b')`);
        throw new Error('changed my mind');
      }),
      db.write((tx) => tx.run(sql`insert into t values ('c')`)),
      db.write((tx) => tx.run(sql`insert into t values ('a')`)),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
    ]);
    expect(await values()).toEqual(['a', 'c']);
  });

  it('gives writes that arrive in one turn of the event loop one commit, after their reads', async () => {
    const client = createLocalClient({ path: join(temp.dir, 'x.db') });
    let transactions = 0;
    const counted = Object.assign(Object.create(client), {
      transaction: (mode: 'write') => (transactions++, client.transaction(mode)),
    });
    const open = (gather?: () => Promise<void>) => createDatabase({ client: counted, gather });
    // Like requests whose bodies came in together: each in a callback of its own, reading
    // first and then writing.
    const burst = (target: Database, tag: string) =>
      Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          await new Promise((resolve) => setImmediate(resolve));
          await target.read.all(sql`select count(*) from t`);
          await target.write((tx) => tx.run(sql`insert into t values (${`${tag}${i}`})`));
        }),
      );

    const gathered = open(() => new Promise((resolve) => setImmediate(resolve)));
    await burst(gathered, 'g');
    expect(transactions).toBe(1);

    transactions = 0;
    // Without gathering, each callback's write commits before the next callback runs.
    await burst(open(), 'n');
    expect(transactions).toBe(20);
    expect(await values()).toHaveLength(40);
    client.close();
  });

  it('runs many concurrent writes without SQLITE_BUSY, all landing', async () => {
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        db.write((tx) => tx.run(sql`insert into t values (${String(i)})`)),
      ),
    );
    expect(await values()).toHaveLength(500);
  });

  it('applies migrations once: opening again is a no-op', async () => {
    await db.close();
    db = await openDatabase({ url: `file:${join(temp.dir, 'x.db')}` });
    const rows = await db.read.all<{ n: number }>(
      sql`select count(*) as n from __drizzle_migrations`,
    );
    expect(Number(rows[0]!.n)).toBe(countCommittedMigrations());
    expect(await values()).toEqual([]);
  });
});

describe('the query plans of the hot reads', () => {
  const plan = async (query: string) =>
    (await db.read.all<{ detail: string }>(sql.raw(`explain query plan ${query}`)))
      .map((row) => row.detail)
      .join('; ');

  it('pages a channel by its own (channel, seq) index, never by walking other channels', async () => {
    for (const name of ['historyBack', 'historyForward'] as const) {
      const query = readQuery(db.read, name).getQuery().sql;
      expect(await plan(query)).toMatch(/USING INDEX messages_channel_seq \(channel_id=\? AND seq/);
    }
  });

  it('reads a thread by the replies index', async () => {
    const replies = db.read.select().from(messages).where(eq(messages.threadId, 'root')).toSQL();
    expect(await plan(replies.sql)).toMatch(/USING INDEX messages_thread_replies \(thread_id=\?/);
  });
});
