import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { ChatContext } from '../../src/chat/context.ts';
import { createUser, issueToken } from '../../src/chat/users.ts';
import type { Database } from '../../src/db/database.ts';
import { openDatabase } from '../../src/db/node.ts';
import {
  createSearchIndexer,
  createSearchNudge,
  type SearchIndexer,
} from '../../src/search/indexer.ts';
import { createSearchOriginClient, type SearchOrigin } from '../../src/search/origin-client.ts';

export interface TestUser {
  id: string;
  name: string;
  token: string;
}

export interface Reply {
  status: number;
  body: any;
}

export interface SearchTestApp {
  db: Database;
  /** The `file:` URL of the database, for commands run in a child process. */
  databaseUrl: string;
  chat: ChatContext;
  indexer: SearchIndexer;
  origin: SearchOrigin;
  call(method: string, path: string, as?: TestUser, body?: unknown): Promise<Reply>;
  user(name?: string): Promise<TestUser>;
  /** A channel created by `owner` (public unless `isPrivate`). */
  channel(
    owner: TestUser,
    options?: { isPrivate?: boolean },
  ): Promise<{ id: string; name: string }>;
  post(as: TestUser, channelId: string, text: string, threadId?: string): Promise<any>;
  search(as: TestUser, q: string, params?: Record<string, string>): Promise<Reply>;
  /** Searches until `check` passes or `timeoutMs` runs out; returns the last reply. */
  searchUntil(
    as: TestUser,
    q: string,
    check: (r: Reply) => boolean,
    timeoutMs?: number,
  ): Promise<Reply>;
  close(): Promise<void>;
}

let counter = 0;
/** A name no other test (or earlier run against the same Solr) uses. */
export function uniqueName(prefix = 'x'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
}

export interface SearchTestAppOptions {
  /** Point the app at another origin (a stopped one, say). */
  originUrl?: string;
  /** Skip the nudge hook, so tests drive the indexer themselves. */
  manualIndexing?: boolean;
  noSearch?: boolean;
}

/** The real app on a fresh file database, wired to the shared search origin. */
export async function createSearchTestApp(
  options: SearchTestAppOptions = {},
): Promise<SearchTestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'stek-search-'));
  const databaseUrl = `file:${join(dir, 'stek.db')}`;
  const db = await openDatabase({ url: databaseUrl });
  const chat: ChatContext = { db, now: Date.now };
  const origin = createSearchOriginClient({
    url: options.originUrl ?? inject('originUrl'),
    secret: inject('originSecret'),
    timeoutMs: 2000,
  });
  const indexer = createSearchIndexer({ db, origin, batchSize: 200, maxBackoffMs: 500 });
  const app = createApp({
    chat,
    onEvents: options.manualIndexing ? undefined : createSearchNudge(indexer),
    search: options.noSearch ? undefined : { origin },
  });

  const call: SearchTestApp['call'] = async (method, path, as, body) => {
    const headers: Record<string, string> = {};
    if (as) headers.authorization = `Bearer ${as.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: the test sees the raw text.
    }
    return { status: res.status, body: parsed };
  };
  const search: SearchTestApp['search'] = (as, q, params = {}) =>
    call('GET', `/v1/search?${new URLSearchParams({ q, ...params })}`, as);

  return {
    db,
    databaseUrl,
    chat,
    indexer,
    origin,
    call,
    search,
    async user(name = uniqueName('u')) {
      const created = await createUser(chat, { name });
      const token = await issueToken(chat, created.id);
      return { id: created.id, name, token: token.token };
    },
    async channel(owner, channelOptions = {}) {
      const name = uniqueName('c');
      const res = await call('POST', '/v1/channels', owner, {
        name,
        isPrivate: channelOptions.isPrivate ?? false,
      });
      if (res.status !== 201) throw new Error(`channel not created: ${JSON.stringify(res.body)}`);
      return { id: res.body.id, name };
    },
    async post(as, channelId, text, threadId) {
      const res = await call('POST', `/v1/channels/${channelId}/messages`, as, { text, threadId });
      if (res.status !== 201) throw new Error(`post failed: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async searchUntil(as, q, check, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const res = await search(as, q);
        if (check(res) || Date.now() > until) return res;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await indexer.stop();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The ids of the messages in a search reply. */
export function resultIds(reply: Reply): string[] {
  return (reply.body?.results ?? []).map((r: { message: { id: string } }) => r.message.id);
}
