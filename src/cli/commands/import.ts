import { UsageError, type CommandContext } from '../main.ts';

/** `stek import slack <export.zip|dir>`. */
export async function importCommand(ctx: CommandContext): Promise<number> {
  const [kind, path] = ctx.args;
  if (kind !== 'slack' || !path) throw new UsageError('usage: stek import slack <export.zip|dir>');
  const { runSlackImport } = await import('./import-slack.ts');
  return runSlackImport(ctx, path);
}
