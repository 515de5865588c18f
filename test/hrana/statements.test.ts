import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as createWebClient, LibsqlError, type Client } from '@libsql/client/web';
import { createClient as createNodeClient } from '@libsql/client';
import { startTestHranaServer, type TestHranaServer } from './hrana-server.ts';

let server: TestHranaServer;
let client: Client;

beforeAll(async () => {
  server = await startTestHranaServer();
  client = createWebClient({ url: server.url, intMode: 'bigint' });
  await client.execute(
    'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, price REAL, data BLOB, note)',
  );
});

afterAll(async () => {
  client?.close();
  await server?.stop();
});

describe('single statements', () => {
  it('reports rowsAffected and lastInsertRowid of an insert', async () => {
    const result = await client.execute({
      sql: 'INSERT INTO items (name, price) VALUES (?, ?)',
      args: ['first', 1.25],
    });
    expect(result.rowsAffected).toBe(1);
    expect(typeof result.lastInsertRowid).toBe('bigint');
    const check = await client.execute({
      sql: 'SELECT name FROM items WHERE id = ?',
      args: [result.lastInsertRowid!],
    });
    expect(check.rows[0]?.name).toBe('first');
  });

  it('returns column names and declared types', async () => {
    const result = await client.execute(
      'SELECT id, name AS label, price, data, note, 1 + 1 AS two FROM items',
    );
    expect(result.columns).toEqual(['id', 'label', 'price', 'data', 'note', 'two']);
    expect(result.columnTypes).toEqual(['INTEGER', 'TEXT', 'REAL', 'BLOB', '', '']);
  });

  it('binds named arguments with and without their prefix', async () => {
    const result = await client.execute({
      sql: 'SELECT :a AS a, @b AS b, $c AS c, :a || @b AS ab',
      args: { a: 'x', '@b': 'y', $c: 'z' },
    });
    expect(result.rows[0]).toMatchObject({ a: 'x', b: 'y', c: 'z', ab: 'xy' });
  });

  it('binds numbered and repeated positional parameters the way SQLite numbers them', async () => {
    const result = await client.execute({
      sql: 'SELECT ?2 AS second, ?1 AS first, ? AS third',
      args: ['a', 'b', 'c'],
    });
    expect(result.rows[0]).toMatchObject({ second: 'b', first: 'a', third: 'c' });
  });

  it('counts rows changed by an UPDATE ... RETURNING and returns its rows', async () => {
    await client.execute({
      sql: 'INSERT INTO items (name, price) VALUES (?, ?), (?, ?)',
      args: ['r1', 1, 'r2', 2],
    });
    const result = await client.execute(
      "UPDATE items SET price = price * 10 WHERE name IN ('r1', 'r2') RETURNING name, price",
    );
    expect(result.rowsAffected).toBe(2);
    expect(result.rows.map((row) => row.price).sort()).toEqual([10, 20]);
    const select = await client.execute('SELECT count(*) AS n FROM items');
    expect(select.rowsAffected).toBe(0);
  });
});

describe('value round trips', () => {
  it('keeps integers beyond 2^53 exact as bigint', async () => {
    const big = 2n ** 62n + 12345n;
    const result = await client.execute({
      sql: 'SELECT ? AS big, typeof(?) AS t, 9223372036854775807 AS max, -9223372036854775808 AS min',
      args: [big, big],
    });
    expect(result.rows[0]).toMatchObject({
      big,
      t: 'integer',
      max: 2n ** 63n - 1n,
      min: -(2n ** 63n),
    });
  });

  it('keeps floats as floats, including integral ones and infinities', async () => {
    const result = await client.execute({
      sql: 'SELECT ? AS f, typeof(?) AS t, 2.0 AS two, 1e999 AS inf, -1e999 AS ninf',
      args: [0.1, 3],
    });
    expect(result.rows[0]).toMatchObject({
      f: 0.1,
      t: 'real',
      two: 2,
      inf: Infinity,
      ninf: -Infinity,
    });
  });

  it('keeps unicode text intact', async () => {
    const text = 'héllo wörld — 日本語 😀 \u{1F469}\u200D\u{1F4BB} "quoted" \\ \n tab\t';
    const result = await client.execute({
      sql: 'SELECT ? AS t, length(?) AS n',
      args: [text, text],
    });
    expect(result.rows[0]?.t).toBe(text);
    expect(result.rows[0]?.n).toBe(BigInt([...text].length));
  });

  it('stores blobs from Uint8Array and ArrayBuffer and returns their bytes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255, 0]);
    await client.execute({
      sql: "INSERT INTO items (name, data) VALUES ('blob-u8', ?)",
      args: [bytes],
    });
    await client.execute({
      sql: "INSERT INTO items (name, data) VALUES ('blob-ab', ?)",
      args: [bytes.buffer.slice(0)],
    });
    const result = await client.execute(
      "SELECT name, data, typeof(data) AS t FROM items WHERE name LIKE 'blob-%' ORDER BY name",
    );
    expect(result.rows.map((row) => row.t)).toEqual(['blob', 'blob']);
    for (const row of result.rows) {
      expect(new Uint8Array(row.data as ArrayBuffer)).toEqual(bytes);
    }
    const empty = await client.execute({ sql: 'SELECT ? AS e', args: [new Uint8Array(0)] });
    expect(new Uint8Array(empty.rows[0]?.e as ArrayBuffer).byteLength).toBe(0);
  });

  it('round-trips null', async () => {
    const result = await client.execute({
      sql: 'SELECT ? AS n, typeof(?) AS t',
      args: [null, null],
    });
    expect(result.rows[0]).toMatchObject({ n: null, t: 'null' });
  });
});

describe('errors', () => {
  it('reports a syntax error as a LibsqlError with a code', async () => {
    const error = await client.execute('SELEC 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibsqlError);
    expect((error as LibsqlError).code).toBe('SQLITE_ERROR');
    expect((error as LibsqlError).message).toMatch(/syntax error/);
  });

  it('reports a constraint violation as SQLITE_CONSTRAINT', async () => {
    await client.execute("INSERT INTO items (name) VALUES ('unique-one')");
    const error = await client
      .execute("INSERT INTO items (name) VALUES ('unique-one')")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibsqlError);
    expect((error as LibsqlError).code).toBe('SQLITE_CONSTRAINT');
    expect((error as LibsqlError).message).toMatch(/UNIQUE constraint failed: items.name/);
  });

  it('refuses arguments that do not match the parameters', async () => {
    const tooMany = await client
      .execute({ sql: 'SELECT ?', args: [1, 2] })
      .catch((e: unknown) => e);
    expect((tooMany as LibsqlError).code).toBe('ARGS_INVALID');
    const missing = await client
      .execute({ sql: 'SELECT :x', args: { y: 1 } })
      .catch((e: unknown) => e);
    expect((missing as LibsqlError).code).toBe('ARGS_INVALID');
  });

  it('refuses several statements in one execute', async () => {
    const error = await client.execute('SELECT 1; SELECT 2').catch((e: unknown) => e);
    expect((error as LibsqlError).code).toBe('SQL_MANY_STATEMENTS');
    const ok = await client.execute('SELECT 1 AS one; -- trailing comment');
    expect(ok.rows[0]?.one).toBe(1n);
  });

  it('keeps serving after an error', async () => {
    await client.execute('SELECT * FROM missing_table').catch(() => undefined);
    const result = await client.execute('SELECT 42 AS answer');
    expect(result.rows[0]?.answer).toBe(42n);
  });
});

describe('executeMultiple', () => {
  it('runs every statement, trigger bodies included', async () => {
    await client.executeMultiple(`
      CREATE TABLE log (msg TEXT);
      CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT);
      CREATE TRIGGER events_log AFTER INSERT ON events BEGIN
        INSERT INTO log VALUES ('event ' || NEW.kind);
        INSERT INTO log VALUES (CASE WHEN NEW.kind = 'a' THEN 'was a' ELSE 'not a' END);
      END;
      INSERT INTO events (kind) VALUES ('a'); -- fires the trigger
    `);
    const result = await client.execute('SELECT msg FROM log ORDER BY rowid');
    expect(result.rows.map((row) => row.msg)).toEqual(['event a', 'was a']);
  });

  it('stops at the first failing statement', async () => {
    const error = await client
      .executeMultiple(
        "INSERT INTO log VALUES ('one'); INSERT INTO nowhere VALUES (1); INSERT INTO log VALUES ('three');",
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibsqlError);
    const result = await client.execute(
      "SELECT count(*) AS n FROM log WHERE msg IN ('one', 'three')",
    );
    expect(result.rows[0]?.n).toBe(1n);
  });
});

describe('other clients', () => {
  it('serves @libsql/client with an http: URL the same way', async () => {
    const nodeClient = createNodeClient({ url: server.url });
    try {
      const result = await nodeClient.execute({ sql: 'SELECT ? + 1 AS n', args: [41] });
      expect(result.rows[0]?.n).toBe(42);
      expect(nodeClient.protocol).toBe('http');
    } finally {
      nodeClient.close();
    }
  });

  it('writes rows a file: client reads from the same database file', async () => {
    await client.execute({
      sql: 'INSERT INTO items (name, price) VALUES (?, ?)',
      args: ['via-http', 9.5],
    });
    const fileClient = createNodeClient({ url: `file:${server.dbPath}` });
    try {
      const result = await fileClient.execute("SELECT price FROM items WHERE name = 'via-http'");
      expect(result.rows[0]?.price).toBe(9.5);
    } finally {
      fileClient.close();
    }
  });
});
