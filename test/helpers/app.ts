import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type AppDeps } from '../../src/app.ts';
import type { ChatContext } from '../../src/chat/context.ts';
import { createUser, issueToken } from '../../src/chat/users.ts';
import type { Database } from '../../src/db/database.ts';
import { migrationsFolder, openDatabase } from '../../src/db/node.ts';

export interface TestUser {
  id: string;
  name: string;
  token: string;
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  db: Database;
  chat: ChatContext;
  dir: string;
  /** Sends a request as `user` (or anonymously) with an optional JSON body. */
  call: (
    method: string,
    path: string,
    options?: { as?: TestUser; body?: unknown; headers?: Record<string, string> },
  ) => Promise<{ status: number; body: any; headers: Headers }>;
  user: (name: string, options?: { admin?: boolean }) => Promise<TestUser>;
  close: () => Promise<void>;
}

/** A temp directory removed by the returned function. */
export function makeTempDir(prefix = 'stek-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The app on a fresh database file, plus helpers to make users and call routes. */
export async function createTestApp(extra: Partial<AppDeps> = {}): Promise<TestApp> {
  const temp = makeTempDir();
  const db = await openDatabase({ url: `file:${join(temp.dir, 'stek.db')}` });
  const chat: ChatContext = { db, now: Date.now };
  const app = createApp({ chat, ...extra });
  const call: TestApp['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.as) headers.authorization = `Bearer ${options.as.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: the test sees the raw text.
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const user: TestApp['user'] = async (name, options = {}) => {
    const created = await createUser(chat, { name, isAdmin: options.admin });
    const token = await issueToken(chat, created.id);
    return { id: created.id, name, token: token.token };
  };
  return {
    app,
    db,
    chat,
    dir: temp.dir,
    call,
    user,
    close: async () => {
      await db.close();
      temp.remove();
    },
  };
}

/** How many migrations the repository holds (drizzle-kit's journal). */
export function countCommittedMigrations(): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8'));
  return (journal as { entries: unknown[] }).entries.length;
}
