import { z } from 'zod';
import { ConfigError } from '../../entry/config.ts';
import { createSearchOriginClient } from '../../search/origin-client.ts';
import { rebuildSearchIndex, type RebuildProgress } from '../../search/rebuild.ts';
import type { CommandContext } from '../main.ts';
import { withChat } from './shared.ts';

const SearchEnv = z.object({
  SEARCH_ORIGIN_URL: z.url(),
  SEARCH_ORIGIN_SECRET: z.string().min(16, 'at least 16 characters'),
});

function createProgressPrinter(json: boolean): (p: RebuildProgress) => void {
  if (json) return () => {};
  const tty = Boolean(process.stderr.isTTY);
  let lastStep = -1;
  return (p) => {
    const ratio = p.total === 0 ? 1 : Math.min(1, p.done / p.total);
    if (tty) {
      const width = 30;
      const filled = Math.round(ratio * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      process.stderr.write(`\r${bar} ${Math.round(ratio * 100)}% ${p.done}/${p.total} messages`);
      if (p.done >= p.total) process.stderr.write('\n');
      return;
    }
    // Without a terminal, one line per tenth keeps logs readable.
    const step = Math.floor(ratio * 10);
    if (step !== lastStep) {
      lastStep = step;
      process.stderr.write(`reindex: ${p.done}/${p.total} messages (${step * 10}%)\n`);
    }
  };
}

/** `stek reindex [--json]`: rebuilds the search index from the database. */
export async function reindex(ctx: CommandContext): Promise<number> {
  let given: Record<string, string | undefined> = process.env;
  if (!given.SEARCH_ORIGIN_URL) {
    // Beside a running `npm start`, use its search origin.
    const { findRunningSearchOrigin } = await import('../../dev/stack.ts');
    const found = findRunningSearchOrigin(ctx.config().dataDir);
    if (found) given = { SEARCH_ORIGIN_URL: found.url, SEARCH_ORIGIN_SECRET: found.secret };
  }
  const env = SearchEnv.safeParse(given);
  if (!env.success) {
    const lines = env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(
      `no search origin: start the stack (npm start) or set SEARCH_ORIGIN_URL and SEARCH_ORIGIN_SECRET\n  ${lines.join('\n  ')}`,
    );
  }
  const origin = createSearchOriginClient({
    url: env.data.SEARCH_ORIGIN_URL,
    secret: env.data.SEARCH_ORIGIN_SECRET,
  });
  const summary = await withChat(ctx, (chat) =>
    rebuildSearchIndex({ db: chat.db, origin, onProgress: createProgressPrinter(ctx.out.json) }),
  );
  ctx.out.result(
    summary,
    (s: typeof summary) =>
      `reindexed ${s.indexed} messages (${s.tombstones} deleted) in ${s.channels} channels in ${(s.ms / 1000).toFixed(1)} s`,
  );
  return 0;
}
