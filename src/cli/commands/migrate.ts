import { createClient } from '@libsql/client';
import { applyMigrations } from '../../db/node.ts';
import type { CommandContext } from '../main.ts';

/** `stek migrate [--url URL] [--auth-token T]`: applies pending migrations, locally or remotely. */
export async function migrate(ctx: CommandContext): Promise<number> {
  const config = ctx.flags.url ? undefined : ctx.config();
  const url = (ctx.flags.url as string | undefined) ?? config!.databaseUrl;
  const authToken =
    (ctx.flags['auth-token'] as string | undefined) ??
    process.env.STEK_DATABASE_AUTH_TOKEN ??
    config?.databaseAuthToken;
  if (url.startsWith('file:')) {
    // Opening a local file creates its folder and migrates it, like every other command.
    const { openDatabase } = await import('../../db/node.ts');
    const db = await openDatabase({ url });
    await db.close();
  } else {
    const client = createClient({ url, authToken });
    try {
      await applyMigrations(client);
    } finally {
      client.close();
    }
  }
  ctx.out.result({ ok: true, url: redact(url) }, (r: { url: string }) => `migrated ${r.url}`);
  return 0;
}

function redact(url: string): string {
  return url.replace(/(authToken=)[^&]+/, '$1…');
}
