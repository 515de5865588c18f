// Node-only: the `stek import slack` command. It opens the path and the configured database,
// shows progress on stderr, and prints the summary.
import type { CommandContext } from '../main.ts';
import { withChat } from './shared.ts';
import { ExportPathError, openExportPath } from '../../import/slack/directory-source.ts';
import { importSlackExport, InvalidExportError } from '../../import/slack/import-slack.ts';
import { createProgressReporter, formatSummary } from '../../import/slack/progress-line.ts';

/**
 * `stek import slack <export.zip|dir>`: 0 when the import ran (skipped items are listed in the
 * summary), 1 when the path is not an export.
 */
export async function runSlackImport(ctx: CommandContext, path: string): Promise<number> {
  const progress = ctx.out.json ? undefined : createProgressReporter(process.stderr);
  try {
    const source = await openExportPath(path);
    const summary = await withChat(ctx, (chat) =>
      importSlackExport({ db: chat.db, source, now: chat.now, onProgress: progress?.update }),
    );
    progress?.finish();
    ctx.out.result(summary, formatSummary);
    return 0;
  } catch (err) {
    progress?.finish();
    if (err instanceof ExportPathError || err instanceof InvalidExportError) {
      ctx.out.error(err.message, 'invalid_export');
      return 1;
    }
    throw err;
  }
}
