import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { issueToken } from '../../src/chat/users.ts';
import { openDatabase } from '../../src/db/node.ts';
import { channels, users } from '../../src/db/schema.ts';
import { createDirectorySource } from '../../src/import/slack/directory-source.ts';
import { importSlackExport } from '../../src/import/slack/import-slack.ts';
import type { ImportSummary } from '../../src/import/slack/summary.ts';
import { fixturesDir, openTempDatabase } from './helpers.ts';

const workspaceDir = `${fixturesDir}workspace`;
const repoRoot = new URL('../../', import.meta.url).pathname;

describe('imported data through the API', () => {
  let temp: Awaited<ReturnType<typeof openTempDatabase>>;

  beforeEach(async () => {
    temp = await openTempDatabase();
    await importSlackExport({ db: temp.db, source: createDirectorySource(workspaceDir) });
  });
  afterEach(async () => {
    await temp.close();
  });

  async function clientFor(externalId: string) {
    const chat = { db: temp.db, now: Date.now };
    const app = createApp({ chat });
    const [user] = await temp.db.read.select().from(users).where(eq(users.externalId, externalId));
    const { token } = await issueToken(chat, user!.id, 'test');
    const call = async (path: string, init: RequestInit = {}) => {
      const res = await app.request(path, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    return { call, user: user! };
  }

  async function channelId(externalId: string) {
    const [row] = await temp.db.read
      .select()
      .from(channels)
      .where(eq(channels.externalId, externalId));
    return row!.id;
  }

  it('serves a channel history with replies, reactions and system messages', async () => {
    const { call } = await clientFor('U02BOB');
    const general = await channelId('C01GENERAL');

    const page = await call(`/v1/channels/${general}/messages?limit=50`);

    expect(page.status).toBe(200);
    const texts = page.body.messages.map((m: { text: string }) => m.text);
    // Newest first, and thread replies are not in the channel's history.
    expect(texts[0]).toBe('here is the plan\nFile: Plan (https://files.example.com/plan.pdf)');
    expect(texts).not.toContain('Thanks!');
    const root = page.body.messages.find((m: { text: string }) => m.text.startsWith('Welcome'));
    expect(root.replyCount).toBe(2);
    expect(root.reactions).toEqual(
      expect.arrayContaining([expect.objectContaining({ emoji: 'wave', count: 2 })]),
    );
    const replies = await call(`/v1/messages/${root.id}/replies`);
    expect(replies.body.messages.map((m: { text: string }) => m.text)).toEqual([
      'Thanks!',
      'Me too @alice, mail carol@example.com',
    ]);
    const log = await call(`/v1/channels/${general}/events?after=0&limit=1000`);
    expect(log.body.events.map((e: { seq: number }) => e.seq)).toEqual(
      Array.from({ length: log.body.headSeq }, (_, i) => i + 1),
    );
  });

  it('keeps a private channel hidden from a non-member', async () => {
    const bob = await clientFor('U02BOB');
    const carol = await clientFor('U03CAROL');
    const secret = await channelId('G01SECRET');

    expect((await bob.call(`/v1/channels/${secret}/messages`)).status).toBe(404);
    expect((await carol.call(`/v1/channels/${secret}/messages`)).status).toBe(200);
  });

  it('finds the imported direct conversation when one is opened through the API', async () => {
    const alice = await clientFor('U01ALICE');
    const [bob] = await temp.db.read.select().from(users).where(eq(users.externalId, 'U02BOB'));

    const opened = await alice.call('/v1/dms', {
      method: 'POST',
      body: JSON.stringify({ userIds: [bob!.id] }),
    });

    expect(opened.status).toBe(200);
    expect(opened.body.id).toBe(await channelId('D01AB'));
    const history = await alice.call(`/v1/channels/${opened.body.id}/messages`);
    expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual([
      'hi alice',
      'hi bob',
    ]);
  });
});

function runCli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['bin/stek.mjs', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('stek import slack', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stek-cli-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('imports a folder and prints the summary as JSON, then finds it all on a re-run', async () => {
    const first = await runCli(['import', 'slack', workspaceDir, '--json'], {
      STEK_DATA_DIR: dataDir,
    });

    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout) as ImportSummary;
    expect(summary.created).toMatchObject({ users: 7, channels: 4, dms: 2, messages: 12 });

    const second = await runCli(['import', 'slack', workspaceDir, '--json'], {
      STEK_DATA_DIR: dataDir,
    });
    const again = JSON.parse(second.stdout) as ImportSummary;
    expect(again.created.messages).toBe(0);
    expect(again.existing.messages).toBe(12);

    const db = await openDatabase({ url: `file:${join(dataDir, 'stek.db')}` });
    try {
      expect(await db.read.select().from(channels)).toHaveLength(6);
    } finally {
      await db.close();
    }
  });

  it('prints progress lines and a table without --json', async () => {
    const run = await runCli(['import', 'slack', workspaceDir], { STEK_DATA_DIR: dataDir });

    expect(run.code).toBe(0);
    expect(run.stderr).toContain('imported general (1/6)');
    expect(run.stdout).toMatch(/messages\s+12\s+0/);
  });

  it('exits 1 with an error for a path that is no export', async () => {
    const run = await runCli(['import', 'slack', join(dataDir, 'missing'), '--json'], {
      STEK_DATA_DIR: dataDir,
    });

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).error.code).toBe('invalid_export');
  });
});
