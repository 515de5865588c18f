import { cp, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { asc, sql } from 'drizzle-orm';
import { zipSync } from 'fflate';
import type { Database } from '../../src/db/database.ts';
import { openDatabase } from '../../src/db/node.ts';
import { channels, events, messages, users } from '../../src/db/schema.ts';

export const fixturesDir = new URL('../fixtures/slack/', import.meta.url).pathname;

/** A fresh migrated database in a temp folder; `close` removes it. */
export async function openTempDatabase(): Promise<{
  db: Database;
  dir: string;
  close: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'stek-import-'));
  const db = await openDatabase({ url: `file:${join(dir, 'stek.db')}` });
  return {
    db,
    dir,
    async close() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Copies a fixture export to a temp folder. Files named `*.json.broken` become `*.json` there:
 * they hold invalid JSON on purpose, which the repository's formatter cannot check.
 */
export async function copyFixture(
  name: string,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `stek-fixture-${name}-`));
  await cp(join(fixturesDir, name), dir, { recursive: true });
  for (const path of await listFiles(dir)) {
    if (path.endsWith('.json.broken')) {
      await rename(join(dir, path), join(dir, path.slice(0, -'.broken'.length)));
    }
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/** Zips a folder in memory, its files under `prefix` (Slack's own zips have none). */
export async function zipFolder(dir: string, prefix = ''): Promise<Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const path of await listFiles(dir)) files[prefix + path] = await readFile(join(dir, path));
  return zipSync(files);
}

/** Row counts of every table an import writes. */
export async function countRows(db: Database): Promise<Record<string, number>> {
  const tables = ['users', 'channels', 'channel_members', 'messages', 'reactions', 'events'];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await db.read.all<{ n: number }>(sql.raw(`select count(*) as n from ${table}`));
    counts[table] = Number(row!.n);
  }
  return counts;
}

/**
 * Every channel's log, checked: seqs run 1..headSeq with no gap, and each message's seq is its
 * `message.created` event's. Returns the problems found, so a test can expect none.
 */
export async function checkEventLogs(db: Database): Promise<string[]> {
  const problems: string[] = [];
  for (const channel of await db.read.select().from(channels)) {
    const rows = await db.read
      .select({ seq: events.seq, type: events.type, data: events.data })
      .from(events)
      .where(sql`${events.channelId} = ${channel.id}`)
      .orderBy(asc(events.seq));
    rows.forEach((row, i) => {
      if (row.seq !== i + 1) problems.push(`${channel.name}: event ${i + 1} has seq ${row.seq}`);
    });
    if (rows.length !== channel.headSeq) {
      problems.push(`${channel.name}: ${rows.length} events, headSeq ${channel.headSeq}`);
    }
    const created = new Map(
      rows
        .filter((row) => row.type === 'message.created')
        .map((row) => [JSON.parse(row.data).message.id as string, row.seq]),
    );
    const channelMessages = await db.read
      .select({ id: messages.id, seq: messages.seq })
      .from(messages)
      .where(sql`${messages.channelId} = ${channel.id}`);
    for (const message of channelMessages) {
      if (created.get(message.id) !== message.seq) {
        problems.push(`${channel.name}: message ${message.id} seq ${message.seq} has no event`);
      }
    }
    if (created.size !== channelMessages.length) {
      problems.push(
        `${channel.name}: ${created.size} created events, ${channelMessages.length} rows`,
      );
    }
  }
  return problems;
}

/**
 * The database's content with generated ids replaced by the Slack ids they came from, so two
 * imports of the same export can be compared.
 */
export async function describeContent(db: Database): Promise<unknown> {
  const userRows = await db.read.select().from(users).orderBy(asc(users.externalId));
  const userKey = new Map(userRows.map((u) => [u.id, u.externalId ?? u.name]));
  const channelRows = await db.read.select().from(channels).orderBy(asc(channels.externalId));
  const messageRows = await db.read.select().from(messages);
  const messageKey = new Map(messageRows.map((m) => [m.id, m.clientMsgId ?? m.id]));
  const out: Record<string, unknown> = {
    users: userRows.map((u) => ({ ...u, id: userKey.get(u.id) })),
  };
  for (const channel of channelRows) {
    const channelMessages = messageRows
      .filter((m) => m.channelId === channel.id)
      .sort((a, b) => a.seq - b.seq)
      .map((m) => ({
        ...m,
        id: messageKey.get(m.id),
        channelId: channel.externalId,
        authorId: userKey.get(m.authorId),
        threadId: m.threadId ? messageKey.get(m.threadId) : null,
      }));
    const log = await db.read
      .select({ seq: events.seq, type: events.type, actorId: events.actorId })
      .from(events)
      .where(sql`${events.channelId} = ${channel.id}`)
      .orderBy(asc(events.seq));
    out[channel.externalId ?? channel.name] = {
      ...channel,
      id: undefined,
      createdBy: channel.createdBy ? userKey.get(channel.createdBy) : null,
      dmKey: channel.dmKey
        ?.split(',')
        .map((id) => userKey.get(id))
        .sort()
        .join(','),
      messages: channelMessages,
      log: log.map((e) => ({ ...e, actorId: e.actorId ? userKey.get(e.actorId) : null })),
    };
  }
  return out;
}
