// Imports a generated Slack export (default 100k messages over 20 channels, a third of them
// thread replies, every fifth with a reaction) into a fresh file database, then imports it again,
// and prints messages per second for both runs.
// Usage: npx tsx bench/import-slack.ts [--messages 100000] [--channels 20] [--zip]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { strToU8, zipSync } from 'fflate';
import { openDatabase } from '../src/db/node.ts';
import { createDirectorySource } from '../src/import/slack/directory-source.ts';
import { createZipSource, type ExportSource } from '../src/import/slack/export-source.ts';
import { importSlackExport } from '../src/import/slack/import-slack.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    channels: { type: 'string', default: '20' },
    zip: { type: 'boolean', default: false },
  },
});
const totalMessages = Number(values.messages);
const channelCount = Number(values.channels);
const userCount = 50;
const perDay = 500;

/** Writes the export as files in memory: path → JSON text. */
function generateExport(): Record<string, string> {
  const files: Record<string, string> = {};
  const userIds = Array.from({ length: userCount }, (_, i) => `U${String(i).padStart(6, '0')}`);
  files['users.json'] = JSON.stringify(
    userIds.map((id, i) => ({ id, name: `user${i}`, profile: { real_name: `User ${i}` } })),
  );
  const channelList = Array.from({ length: channelCount }, (_, i) => ({
    id: `C${String(i).padStart(6, '0')}`,
    name: `channel-${i}`,
    created: 1600000000,
    creator: userIds[0],
    members: userIds,
  }));
  files['channels.json'] = JSON.stringify(channelList);
  const perChannel = Math.ceil(totalMessages / channelCount);
  for (const channel of channelList) {
    let ts = 1600000000;
    let root: string | undefined;
    for (let day = 0, n = 0; n < perChannel; day += 1) {
      const batch = [];
      for (let k = 0; k < perDay && n < perChannel; k += 1, n += 1) {
        ts += 7;
        const message: Record<string, unknown> = {
          type: 'message',
          user: userIds[n % userCount],
          text: `message ${n} for <@${userIds[(n + 1) % userCount]}> see <https://example.com/${n}|link>`,
          ts: `${ts}.${String(n % 1_000_000).padStart(6, '0')}`,
        };
        if (n % 3 === 1 && root) message.thread_ts = root;
        if (n % 3 === 0) root = message.ts as string;
        if (n % 5 === 0) message.reactions = [{ name: 'thumbsup', users: [userIds[1]], count: 1 }];
        batch.push(message);
      }
      const date = new Date(Date.UTC(2020, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
      files[`${channel.name}/${date}.json`] = JSON.stringify(batch);
    }
  }
  return files;
}

const dir = await mkdtemp(join(tmpdir(), 'stek-bench-import-'));
try {
  const files = generateExport();
  let source: ExportSource;
  if (values.zip) {
    const entries = Object.fromEntries(Object.entries(files).map(([p, t]) => [p, strToU8(t)]));
    source = createZipSource(zipSync(entries));
  } else {
    const exportDir = join(dir, 'export');
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(exportDir, path, '..'), { recursive: true });
      await writeFile(join(exportDir, path), text);
    }
    source = createDirectorySource(exportDir);
  }
  const db = await openDatabase({ url: `file:${join(dir, 'stek.db')}` });
  for (const run of ['first import', 're-import']) {
    const started = performance.now();
    const summary = await importSlackExport({ db, source });
    const seconds = (performance.now() - started) / 1000;
    const { messages, replies, reactions } =
      run === 'first import' ? summary.created : summary.existing;
    const count = messages + replies;
    console.log(
      `${run}: ${count} messages (${replies} replies, ${reactions} reactions) in ` +
        `${seconds.toFixed(2)} s = ${Math.round(count / seconds)} messages/s` +
        ` (${values.zip ? 'zip' : 'folder'})`,
    );
  }
  await db.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
