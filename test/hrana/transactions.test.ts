import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, LibsqlError, type Client } from '@libsql/client/web';
import { startTestHranaServer, type TestHranaServer } from './hrana-server.ts';

let server: TestHranaServer;
let client: Client;

async function countRows(table: string): Promise<bigint> {
  const result = await client.execute(`SELECT count(*) AS n FROM ${table}`);
  return result.rows[0]?.n as bigint;
}

beforeAll(async () => {
  server = await startTestHranaServer({ streamIdleTimeoutMs: 1_000, busyTimeoutMs: 8_000 });
  client = createClient({ url: server.url, intMode: 'bigint' });
  await client.batch([
    'CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0))',
    'CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)',
    'INSERT INTO counter VALUES (1, 0)',
  ]);
});

afterAll(async () => {
  client?.close();
  await server?.stop();
});

describe('batch', () => {
  it('commits every statement of a write batch and returns each result', async () => {
    const results = await client.batch(
      [
        { sql: 'INSERT INTO accounts (id, balance) VALUES (?, ?)', args: [1, 100] },
        { sql: 'INSERT INTO accounts (id, balance) VALUES (?, ?)', args: [2, 50] },
        'SELECT sum(balance) AS total FROM accounts',
      ],
      'write',
    );
    expect(results.map((r) => r.rowsAffected)).toEqual([1, 1, 0]);
    expect(results[2]?.rows[0]?.total).toBe(150n);
  });

  it('rolls the whole batch back when one statement fails', async () => {
    const error = await client
      .batch(
        [
          { sql: 'INSERT INTO accounts (id, balance) VALUES (?, ?)', args: [3, 10] },
          { sql: 'UPDATE accounts SET balance = balance - ? WHERE id = ?', args: [1000, 1] },
        ],
        'write',
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibsqlError);
    expect((error as LibsqlError).code).toBe('SQLITE_CONSTRAINT');
    expect(await countRows('accounts')).toBe(2n);
  });
});

describe('interactive transactions', () => {
  it('commits the work of several round trips', async () => {
    const tx = await client.transaction('write');
    const before = await tx.execute('SELECT balance FROM accounts WHERE id = 1');
    await tx.execute({ sql: 'UPDATE accounts SET balance = balance - 30 WHERE id = ?', args: [1] });
    await tx.execute({ sql: 'UPDATE accounts SET balance = balance + 30 WHERE id = ?', args: [2] });
    const inside = await tx.execute('SELECT balance FROM accounts ORDER BY id');
    await tx.commit();
    expect(before.rows[0]?.balance).toBe(100n);
    expect(inside.rows.map((r) => r.balance)).toEqual([70n, 80n]);
    const after = await client.execute('SELECT balance FROM accounts ORDER BY id');
    expect(after.rows.map((r) => r.balance)).toEqual([70n, 80n]);
  });

  it('discards the work of a rolled back transaction', async () => {
    const tx = await client.transaction('write');
    await tx.execute('INSERT INTO accounts (id, balance) VALUES (10, 1)');
    expect((await tx.execute('SELECT count(*) AS n FROM accounts')).rows[0]?.n).toBe(3n);
    await tx.rollback();
    expect(await countRows('accounts')).toBe(2n);
  });

  it('keeps the transaction usable after a failing statement inside it', async () => {
    const tx = await client.transaction('write');
    await tx.execute('INSERT INTO accounts (id, balance) VALUES (20, 5)');
    const error = await tx
      .execute('INSERT INTO accounts (id, balance) VALUES (20, 5)')
      .catch((e: unknown) => e);
    expect((error as LibsqlError).code).toBe('SQLITE_CONSTRAINT');
    await tx.execute('INSERT INTO accounts (id, balance) VALUES (21, 5)');
    await tx.commit();
    const ids = await client.execute('SELECT id FROM accounts WHERE id >= 20 ORDER BY id');
    expect(ids.rows.map((r) => r.id)).toEqual([20n, 21n]);
  });

  it('runs two concurrent write transactions from two clients without losing an update', async () => {
    const other = createClient({ url: server.url, intMode: 'bigint' });
    const increment = async (c: Client, times: number) => {
      for (let i = 0; i < times; i++) {
        const tx = await c.transaction('write');
        const current = await tx.execute('SELECT n FROM counter WHERE id = 1');
        await new Promise((resolve) => setTimeout(resolve, 2));
        await tx.execute({
          sql: 'UPDATE counter SET n = ? WHERE id = 1',
          args: [(current.rows[0]?.n as bigint) + 1n],
        });
        await tx.commit();
      }
    };
    try {
      await Promise.all([increment(client, 15), increment(other, 15)]);
    } finally {
      other.close();
    }
    const result = await client.execute('SELECT n FROM counter WHERE id = 1');
    expect(result.rows[0]?.n).toBe(30n);
  });

  it('lets a plain write wait for an open transaction instead of failing', async () => {
    const tx = await client.transaction('write');
    await tx.execute('UPDATE counter SET n = 100 WHERE id = 1');
    const waiting = client.execute('UPDATE counter SET n = n + 1 WHERE id = 1');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await tx.commit();
    await waiting;
    const result = await client.execute('SELECT n FROM counter WHERE id = 1');
    expect(result.rows[0]?.n).toBe(101n);
  });

  it('sees its own writes and isolates them from other clients until commit', async () => {
    const tx = await client.transaction('write');
    await tx.execute('UPDATE counter SET n = 500 WHERE id = 1');
    const outside = await client.execute('SELECT n FROM counter WHERE id = 1');
    const inside = await tx.execute('SELECT n FROM counter WHERE id = 1');
    await tx.rollback();
    expect(outside.rows[0]?.n).toBe(101n);
    expect(inside.rows[0]?.n).toBe(500n);
  });

  it('fails a deferred transaction whose snapshot went stale instead of losing an update', async () => {
    const tx = await client.transaction('deferred');
    const seen = await tx.execute('SELECT n FROM counter WHERE id = 1');
    await client.execute('UPDATE counter SET n = n + 1 WHERE id = 1');
    const error = await tx
      .execute({
        sql: 'UPDATE counter SET n = ? WHERE id = 1',
        args: [(seen.rows[0]?.n as bigint) + 1n],
      })
      .catch((e: unknown) => e);
    await tx.rollback();
    expect((error as LibsqlError).code).toBe('SQLITE_BUSY');
    await client.execute('UPDATE counter SET n = n - 1 WHERE id = 1');
    const result = await client.execute('SELECT n FROM counter WHERE id = 1');
    expect(result.rows[0]?.n).toBe(seen.rows[0]?.n);
  });

  it('rolls back and releases the lock of an abandoned transaction after the idle timeout', async () => {
    const tx = await client.transaction('write');
    await tx.execute('UPDATE counter SET n = 999 WHERE id = 1');
    // Never committed: the stream expires after 1 s and its lock goes with it.
    const started = Date.now();
    await client.execute('UPDATE counter SET n = n + 1 WHERE id = 1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    const result = await client.execute('SELECT n FROM counter WHERE id = 1');
    expect(result.rows[0]?.n).toBe(102n);
    const late = await tx.execute('SELECT 1').catch((e: unknown) => e);
    expect(late).toBeInstanceOf(LibsqlError);
    expect((late as LibsqlError).code).toBe('STREAM_EXPIRED');
  });
});
