import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '@libsql/client/web';
import { createClient as createNodeClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { eq } from 'drizzle-orm';
import { startTestHranaServer, type TestHranaServer } from './hrana-server.ts';

const migrationsFolder = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));

const channels = sqliteTable('channels', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: integer('created_at').notNull(),
});

let server: TestHranaServer;
let client: Client;

beforeAll(async () => {
  server = await startTestHranaServer();
  client = createClient({ url: server.url });
});

afterAll(async () => {
  client?.close();
  await server?.stop();
});

async function listTables(c: Client): Promise<string[]> {
  const result = await c.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  return result.rows.map((row) => String(row.name));
}

describe('drizzle-orm over the HTTP server', () => {
  it('applies the migrations once and treats a second run as a no-op', async () => {
    const db = drizzle(client);
    await migrate(db, { migrationsFolder });
    const applied = await client.execute(
      'SELECT hash, created_at FROM __drizzle_migrations ORDER BY id',
    );
    expect(applied.rows).toHaveLength(2);
    expect(await listTables(client)).toEqual(['__drizzle_migrations', 'channels', 'messages']);

    await migrate(db, { migrationsFolder });
    const again = await client.execute(
      'SELECT hash, created_at FROM __drizzle_migrations ORDER BY id',
    );
    expect(again.rows).toEqual(applied.rows);
  });

  it('runs drizzle queries, and a file: client reads what they wrote', async () => {
    const db = drizzle(client);
    await db.insert(channels).values({ name: 'general', createdAt: 1 });
    await db.transaction(async (tx) => {
      await tx.insert(channels).values({ name: 'random', createdAt: 2 });
      await tx.update(channels).set({ createdAt: 3 }).where(eq(channels.name, 'random'));
    });
    const rows = await db.select().from(channels).orderBy(channels.id);
    expect(rows.map((row) => [row.name, row.createdAt])).toEqual([
      ['general', 1],
      ['random', 3],
    ]);

    const fileClient = createNodeClient({ url: `file:${server.dbPath}` });
    try {
      expect(await listTables(fileClient)).toEqual([
        '__drizzle_migrations',
        'channels',
        'messages',
      ]);
      const direct = await fileClient.execute('SELECT name FROM channels ORDER BY id');
      expect(direct.rows.map((row) => row.name)).toEqual(['general', 'random']);
    } finally {
      fileClient.close();
    }
  });
});
