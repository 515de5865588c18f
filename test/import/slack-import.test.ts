import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import {
  channelMembers,
  channels,
  events,
  messages,
  reactions,
  users,
} from '../../src/db/schema.ts';
import { createDirectorySource } from '../../src/import/slack/directory-source.ts';
import { createZipSource } from '../../src/import/slack/export-source.ts';
import { importSlackExport } from '../../src/import/slack/import-slack.ts';
import {
  checkEventLogs,
  copyFixture,
  countRows,
  describeContent,
  fixturesDir,
  openTempDatabase,
  zipFolder,
} from './helpers.ts';

const workspaceDir = `${fixturesDir}workspace`;
const importedAt = Date.UTC(2024, 0, 1);
const now = () => importedAt;

let temp: Awaited<ReturnType<typeof openTempDatabase>>;
let db: Database;

beforeEach(async () => {
  temp = await openTempDatabase();
  db = temp.db;
});
afterEach(async () => {
  await temp.close();
});

function importWorkspace() {
  return importSlackExport({ db, source: createDirectorySource(workspaceDir), now });
}

async function userByExternalId(externalId: string) {
  const [row] = await db.read.select().from(users).where(eq(users.externalId, externalId));
  return row!;
}

async function channelByExternalId(externalId: string) {
  const [row] = await db.read.select().from(channels).where(eq(channels.externalId, externalId));
  return row!;
}

async function messagesOf(channelId: string) {
  return db.read
    .select()
    .from(messages)
    .where(eq(messages.channelId, channelId))
    .orderBy(asc(messages.seq));
}

describe('importing a Slack workspace export', () => {
  it('counts every kind it created and skips nothing in a well-formed export', async () => {
    const summary = await importWorkspace();

    expect(summary.created).toEqual({
      users: 7,
      channels: 4,
      dms: 2,
      members: 15,
      messages: 12,
      replies: 3,
      reactions: 4,
      system: 7,
    });
    expect(summary.skippedCount).toBe(0);
    expect(await countRows(db)).toEqual({
      users: 7,
      channels: 6,
      channel_members: 15,
      messages: 22,
      reactions: 4,
      events: 41,
    });
  });

  it('maps users to valid unique names, display names, admins, bots and deactivation', async () => {
    await importWorkspace();

    const alice = await userByExternalId('U01ALICE');
    expect(alice).toMatchObject({ name: 'alice', displayName: 'alice', isAdmin: true });
    expect(alice.deactivatedAt).toBeNull();
    expect(await userByExternalId('U02BOB')).toMatchObject({
      name: 'bob',
      displayName: 'Bob Baker',
      isAdmin: false,
    });
    expect(await userByExternalId('U03CAROL')).toMatchObject({ displayName: 'Carol C.' });
    expect((await userByExternalId('U04DAVE')).deactivatedAt).toBe(1660000000 * 1000);
    expect(await userByExternalId('U05BUILD')).toMatchObject({ name: 'buildbot', isBot: true });
    expect(await userByExternalId('U06ERIN')).toMatchObject({ name: 'erin-smith' });
    // Named only by a message: created from the message's profile, and unable to sign in.
    const guest = await userByExternalId('U99GUEST');
    expect(guest).toMatchObject({ name: 'guest.user', displayName: 'Guest' });
    expect(guest.deactivatedAt).toBe(importedAt);
  });

  it('maps public, private, archived and direct conversations with their members', async () => {
    await importWorkspace();
    const alice = await userByExternalId('U01ALICE');
    const bob = await userByExternalId('U02BOB');
    const carol = await userByExternalId('U03CAROL');

    const general = await channelByExternalId('C01GENERAL');
    expect(general).toMatchObject({
      name: 'general',
      kind: 'channel',
      isPrivate: false,
      topic: 'Company-wide & announcements',
      archivedAt: null,
      createdBy: alice.id,
      createdAt: 1673300000 * 1000,
      dmKey: null,
    });
    // No topic: the purpose stands in for it.
    expect((await channelByExternalId('C02RANDOM')).topic).toBe(
      'Off-topic fun stuff (https://example.com/fun)',
    );
    // Archived at the time of the archiving message.
    expect((await channelByExternalId('C03OLD')).archivedAt).toBe(1654100000 * 1000);
    expect(await channelByExternalId('G01SECRET')).toMatchObject({
      name: 'secret-plans',
      kind: 'channel',
      isPrivate: true,
    });
    expect(await channelByExternalId('D01AB')).toMatchObject({
      kind: 'dm',
      isPrivate: true,
      dmKey: [alice.id, bob.id].sort().join(','),
    });
    expect(await channelByExternalId('G02MPDM')).toMatchObject({
      kind: 'dm',
      dmKey: [alice.id, bob.id, carol.id].sort().join(','),
    });

    const members = await db.read
      .select({ userId: channelMembers.userId })
      .from(channelMembers)
      .where(eq(channelMembers.channelId, general.id));
    expect(members).toHaveLength(4);
    const joined = await db.read
      .select()
      .from(events)
      .where(eq(events.channelId, general.id))
      .orderBy(asc(events.seq))
      .limit(4);
    expect(joined.map((e) => e.type)).toEqual(Array(4).fill('member.joined'));
  });

  it('keeps every channel log gap-free, with each message at its created event', async () => {
    await importWorkspace();

    expect(await checkEventLogs(db)).toEqual([]);
    const general = await channelByExternalId('C01GENERAL');
    const log = await db.read
      .select({ seq: events.seq, type: events.type })
      .from(events)
      .where(eq(events.channelId, general.id))
      .orderBy(asc(events.seq));
    // 4 joins, then messages in ts order, each followed by its reactions.
    expect(log.slice(4, 10).map((e) => e.type)).toEqual([
      'message.created',
      'message.created',
      'message.created',
      'reaction.added',
      'reaction.added',
      'reaction.added',
    ]);
    expect(general.headSeq).toBe(log.length);
  });

  it('orders messages by ts to the microsecond, not by file order', async () => {
    await importWorkspace();

    const general = await channelByExternalId('C01GENERAL');
    const texts = (await messagesOf(general.id)).map((m) => m.text);
    expect(texts.indexOf('first by a microsecond')).toBe(
      texts.indexOf('second by a microsecond') - 1,
    );
    const createdAts = (await messagesOf(general.id)).map((m) => m.createdAt);
    expect([...createdAts].sort((a, b) => a - b)).toEqual(createdAts);
  });

  it('attaches thread replies to their root and counts them there', async () => {
    await importWorkspace();

    const general = await channelByExternalId('C01GENERAL');
    const rows = await messagesOf(general.id);
    const root = rows.find((m) => m.text.startsWith('Welcome'))!;
    const replies = rows.filter((m) => m.threadId === root.id);
    expect(replies.map((m) => m.text)).toEqual([
      'Thanks!',
      'Me too @alice, mail carol@example.com',
    ]);
    expect(root.replyCount).toBe(2);
    expect(root.lastReplyAt).toBe(Math.floor(1673426400.0001 * 1000));
    expect(root.clientMsgId).toBe('slack:C01GENERAL:1673340100.000200');
    // A reply whose root is not in the export stands on its own.
    const orphan = rows.find((m) => m.text.startsWith('Replying to something'))!;
    expect(orphan.threadId).toBeNull();
  });

  it('converts mentions, channel links, links, special mentions and entities', async () => {
    await importWorkspace();

    const general = await channelByExternalId('C01GENERAL');
    const rows = await messagesOf(general.id);
    expect(rows.find((m) => m.text.startsWith('Welcome'))!.text).toBe(
      'Welcome @bob! See #random, the docs (https://example.com/docs) and https://example.com. ' +
        '@here 5 > 3 && 2 < 4',
    );
    expect(rows.find((m) => m.subtype === 'bot')!.text).toBe(
      'Build finished\nBuild 42 (https://ci.example.com/42)\nAll green',
    );
    expect(rows.find((m) => m.text.startsWith('here is the plan'))!.text).toBe(
      'here is the plan\nFile: Plan (https://files.example.com/plan.pdf)',
    );
  });

  it('stores edits, reactions and bot authorship', async () => {
    await importWorkspace();

    const general = await channelByExternalId('C01GENERAL');
    const rows = await messagesOf(general.id);
    expect(rows.find((m) => m.text === 'Thanks!')!.editedAt).toBe(1673340260 * 1000);
    const root = rows.find((m) => m.text.startsWith('Welcome'))!;
    const rootReactions = await db.read
      .select({ emoji: reactions.emoji, userId: reactions.userId })
      .from(reactions)
      .where(eq(reactions.messageId, root.id));
    const bob = await userByExternalId('U02BOB');
    const carol = await userByExternalId('U03CAROL');
    expect(rootReactions).toHaveLength(3);
    expect(rootReactions).toEqual(
      expect.arrayContaining([
        { emoji: 'wave', userId: bob.id },
        { emoji: 'wave', userId: carol.id },
        // The skin tone is dropped: stek's emoji names have no colons.
        { emoji: '+1', userId: bob.id },
      ]),
    );
    const bot = rows.find((m) => m.subtype === 'bot')!;
    expect(bot.authorId).toBe((await userByExternalId('U05BUILD')).id);
  });

  it('turns joins, topic changes, renames and archiving into system messages', async () => {
    await importWorkspace();

    const random = await channelByExternalId('C02RANDOM');
    const rows = await messagesOf(random.id);
    expect(rows.filter((m) => m.subtype === 'system').map((m) => m.text)).toEqual([
      '@bob joined the channel',
      '@bob set the purpose: Off-topic fun stuff (https://example.com/fun)',
      '@alice renamed the channel from #fun to #random',
    ]);
    const userText = rows.filter((m) => m.subtype === null).map((m) => m.text);
    expect(userText).toEqual(['Anyone for lunch? :pizza:']);
    const old = await channelByExternalId('C03OLD');
    expect((await messagesOf(old.id)).map((m) => [m.subtype, m.text])).toEqual([
      [null, 'Wrapping this up'],
      ['system', '@alice archived the channel'],
    ]);
    const general = await channelByExternalId('C01GENERAL');
    const guestJoin = (await messagesOf(general.id)).find((m) => m.text.includes('guest.user'))!;
    expect(guestJoin).toMatchObject({
      subtype: 'system',
      text: '@guest.user joined the channel (invited by @alice)',
    });
  });

  it('changes nothing when run again over the same export', async () => {
    await importWorkspace();
    const rowsBefore = await countRows(db);
    const contentBefore = await describeContent(db);
    const idsBefore = (await db.read.select({ id: messages.id }).from(messages)).map((r) => r.id);
    const heads = await db.read
      .select({ id: channels.id, headSeq: channels.headSeq })
      .from(channels);

    const again = await importWorkspace();

    expect(Object.values(again.created).every((n) => n === 0)).toBe(true);
    expect(again.existing).toMatchObject({
      users: 7,
      channels: 4,
      dms: 2,
      messages: 12,
      replies: 3,
      system: 7,
      reactions: 4,
    });
    expect(await countRows(db)).toEqual(rowsBefore);
    expect(await describeContent(db)).toEqual(contentBefore);
    const idsAfter = (await db.read.select({ id: messages.id }).from(messages)).map((r) => r.id);
    expect(idsAfter.sort()).toEqual(idsBefore.sort());
    expect(
      await db.read.select({ id: channels.id, headSeq: channels.headSeq }).from(channels),
    ).toEqual(heads);
  });

  it('adds only what a later export has new, at the end of the log', async () => {
    await importWorkspace();
    const fixture = await copyFixture('workspace');
    try {
      const dayFile = join(fixture.dir, 'random', '2023-01-10.json');
      const day = JSON.parse(await readFile(dayFile, 'utf8'));
      day[3].reactions.push({ name: 'tada', users: ['U03CAROL'], count: 1 });
      day.push({ type: 'message', user: 'U01ALICE', text: 'count me in', ts: '1673340600.000000' });
      await writeFile(dayFile, JSON.stringify(day));
      const random = await channelByExternalId('C02RANDOM');

      const summary = await importSlackExport({
        db,
        source: createDirectorySource(fixture.dir),
        now,
      });

      expect(summary.created).toMatchObject({ messages: 1, reactions: 1, users: 0, channels: 0 });
      const log = await db.read
        .select({ seq: events.seq, type: events.type })
        .from(events)
        .where(eq(events.channelId, random.id))
        .orderBy(asc(events.seq));
      expect(log.slice(random.headSeq).map((e) => e.type)).toEqual([
        'reaction.added',
        'message.created',
      ]);
      expect(await checkEventLogs(db)).toEqual([]);
    } finally {
      await fixture.remove();
    }
  });

  it('writes one small transaction per chunk and still threads across chunks', async () => {
    await importSlackExport({ db, source: createDirectorySource(workspaceDir), now, chunkSize: 1 });

    expect(await checkEventLogs(db)).toEqual([]);
    const general = await channelByExternalId('C01GENERAL');
    const root = (await messagesOf(general.id)).find((m) => m.text.startsWith('Welcome'))!;
    expect(root.replyCount).toBe(2);
    expect((await countRows(db)).messages).toBe(22);
  });

  it('gives the same result from a zip, with or without a top folder, as from the folder', async () => {
    await importWorkspace();
    const fromFolder = await describeContent(db);

    for (const prefix of ['', 'My Workspace Slack export/']) {
      const other = await openTempDatabase();
      try {
        const zip = await zipFolder(workspaceDir, prefix);
        const summary = await importSlackExport({
          db: other.db,
          source: createZipSource(zip),
          now,
        });
        expect(summary.skippedCount).toBe(0);
        expect(await describeContent(other.db)).toEqual(fromFolder);
      } finally {
        await other.close();
      }
    }
  });

  it('adds to a direct conversation opened in stek before the import', async () => {
    const { createUser } = await import('../../src/chat/users.ts');
    const { openDm } = await import('../../src/chat/channels.ts');
    await importWorkspace();
    const alice = await userByExternalId('U01ALICE');
    const bob = await userByExternalId('U02BOB');
    const dm = await channelByExternalId('D01AB');
    const ctx = { db, now };

    const opened = await openDm(ctx, { userId: alice.id, isAdmin: false }, [bob.id]);

    expect(opened.created).toBe(false);
    expect(opened.value.id).toBe(dm.id);
    // A stek user with a Slack user's name makes the imported one take a suffix.
    const other = await openTempDatabase();
    try {
      await createUser({ db: other.db, now }, { name: 'alice' });
      await importSlackExport({ db: other.db, source: createDirectorySource(workspaceDir), now });
      const [renamed] = await other.db.read
        .select()
        .from(users)
        .where(eq(users.externalId, 'U01ALICE'));
      expect(renamed!.name).toBe('alice-2');
    } finally {
      await other.close();
    }
  });
});

describe('importing a malformed export', () => {
  it('reports each bad file or record with its path and imports the rest', async () => {
    const fixture = await copyFixture('malformed');
    try {
      const summary = await importSlackExport({
        db,
        source: createDirectorySource(fixture.dir),
        now,
      });

      const byPath = summary.skipped.map(
        (s) => `${s.path}${s.index === undefined ? '' : `[${s.index}]`}`,
      );
      expect(byPath.sort()).toEqual(
        [
          'README.txt',
          'integration_logs.json',
          'general/notes.txt',
          'orphan/',
          'users.json[1]',
          'users.json[2]',
          'general/2023-01-01.json[1]',
          'general/2023-01-01.json[3]',
          'general/2023-01-02.json',
          'general/2023-01-03.json',
        ].sort(),
      );
      const reason = (path: string) => summary.skipped.find((s) => s.path === path)!.reason;
      expect(reason('general/2023-01-02.json')).toMatch(/^invalid JSON/);
      expect(reason('general/2023-01-03.json')).toBe('not an array of messages');
      expect(reason('README.txt')).toBe('not a file of the format');
      const missingTs = summary.skipped.find(
        (s) => s.path === 'general/2023-01-01.json' && s.index === 1,
      )!;
      expect(missingTs.reason).toMatch(/ts/);
      const notAnObject = summary.skipped.find((s) => s.path === 'users.json' && s.index === 1)!;
      expect(notAnObject.reason).toMatch(/malformed entry/);

      expect(summary.created).toMatchObject({ users: 2, channels: 1, messages: 2 });
      const general = await channelByExternalId('C01GENERAL');
      expect((await messagesOf(general.id)).map((m) => m.text)).toEqual([
        'this one is fine',
        'so is this',
      ]);
      expect(await checkEventLogs(db)).toEqual([]);
    } finally {
      await fixture.remove();
    }
  });

  it('refuses a source with no list files at all', async () => {
    const source = createZipSource(await zipFolder(`${fixturesDir}workspace/general`));
    await expect(importSlackExport({ db, source, now })).rejects.toThrow(/not a Slack export/);
    expect((await countRows(db)).users).toBe(0);
  });
});
