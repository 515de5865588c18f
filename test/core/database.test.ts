import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { openDatabase } from '../../src/db/node.ts';
import { makeTempDir } from '../helpers/app.ts';

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
    expect(Number(rows[0]!.n)).toBe(1);
    expect(await values()).toEqual([]);
  });
});
