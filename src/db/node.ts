import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { createDatabase, type Database } from './database.ts';
import { createLocalClient } from './local-client.ts';

/** Where the committed drizzle-kit migrations live. */
export const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface OpenDatabaseOptions {
  /** A libSQL URL: `file:path`, `:memory:`-less local files, or `libsql:`/`http(s):` for a server. */
  url: string;
  authToken?: string;
  /** Apply pending migrations before returning (default: only for local files). */
  migrate?: boolean;
}

async function configureLocal(client: Client): Promise<void> {
  // WAL lets reads proceed while the single writer commits; the busy timeout covers other
  // processes (a CLI import while the server runs) holding the write lock briefly.
  await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('PRAGMA busy_timeout = 5000');
  await client.execute('PRAGMA synchronous = NORMAL');
  await client.execute('PRAGMA foreign_keys = ON');
}

export function isLocalUrl(url: string): boolean {
  return url.startsWith('file:');
}

/** Opens a database from Node: a local file (creating its folder) or a remote libSQL server. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const local = isLocalUrl(options.url);
  if (local) {
    const path = options.url.slice('file:'.length);
    mkdirSync(dirname(resolve(path)), { recursive: true });
  }
  if (!local) {
    const client = createClient({ url: options.url, authToken: options.authToken });
    if (options.migrate) await applyMigrations(client);
    return createDatabase({ client });
  }
  // Migrations run through the official client; serving runs on the faster local one.
  const migrator = createClient({ url: options.url });
  try {
    await configureLocal(migrator);
    if (options.migrate ?? true) await applyMigrations(migrator);
  } finally {
    migrator.close();
  }
  return createDatabase({
    client: createLocalClient({ path: options.url.slice('file:'.length) }),
    // Requests whose bodies arrived in the same turn of the event loop share one commit.
    gather: () => new Promise((resolve) => setImmediate(resolve)),
  });
}

/** Applies the pending migrations; returns nothing, and is a no-op when none are pending. */
export async function applyMigrations(client: Client): Promise<void> {
  await migrate(drizzle(client), { migrationsFolder });
}
