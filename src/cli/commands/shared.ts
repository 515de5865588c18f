import type { ChatContext } from '../../chat/context.ts';
import { openDatabase } from '../../db/node.ts';
import type { CommandContext } from '../main.ts';

/** Opens the configured database for a one-shot command and closes it afterwards. */
export async function withChat<T>(
  ctx: CommandContext,
  run: (chat: ChatContext) => Promise<T>,
): Promise<T> {
  const config = ctx.config();
  const db = await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken });
  try {
    return await run({ db, now: Date.now });
  } finally {
    await db.close();
  }
}
