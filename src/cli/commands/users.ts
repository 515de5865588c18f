import { createUser, findUserByName, issueToken, listUsers } from '../../chat/users.ts';
import { UsageError, type CommandContext } from '../main.ts';
import { withChat } from './shared.ts';

/** `stek user create <name> [--admin]` and `stek user list`. */
export async function user(ctx: CommandContext): Promise<number> {
  const [sub, name] = ctx.args;
  if (sub === 'list') {
    const users = await withChat(ctx, (chat) => listUsers(chat));
    ctx.out.result({ users }, (v: { users: typeof users }) =>
      v.users.map((u) => `${u.id}  ${u.name}${u.isAdmin ? '  (admin)' : ''}`).join('\n'),
    );
    return 0;
  }
  if (sub !== 'create' || !name) throw new UsageError('usage: stek user create <name> [--admin]');
  const result = await withChat(ctx, async (chat) => {
    const created = await createUser(chat, {
      name,
      isAdmin: Boolean(ctx.flags.admin),
      displayName: ctx.flags['display-name'] as string | undefined,
    });
    // The same shape as POST /v1/users answers with.
    return { user: created, token: await issueToken(chat, created.id, 'cli') };
  });
  ctx.out.result(
    result,
    (r: typeof result) =>
      `created ${r.user.isAdmin ? 'admin' : 'user'} ${r.user.name} (${r.user.id})\n` +
      `token: ${r.token.token}\n` +
      `sign in to the web app (a local stack): ${localAppUrl()}/#token=${r.token.token}`,
  );
  return 0;
}

/** `stek token create <user> [--name label]`. */
export async function token(ctx: CommandContext): Promise<number> {
  const [sub, name] = ctx.args;
  if (sub !== 'create' || !name) throw new UsageError('usage: stek token create <user>');
  const result = await withChat(ctx, async (chat) => {
    const found = await findUserByName(chat, name);
    if (!found) return null;
    return issueToken(chat, found.id, (ctx.flags.name as string | undefined) ?? 'cli');
  });
  if (!result) {
    ctx.out.error(`no user named '${name}'`, 'not_found');
    return 1;
  }
  ctx.out.result(result, (r: typeof result) => `token for ${name}: ${r!.token}`);
  return 0;
}

/** Where this machine's stack serves the web app, from the same settings the stack reads. */
function localAppUrl(): string {
  const host = process.env.HOST ?? '127.0.0.1';
  return `http://${host}:${process.env.PORT ?? '8787'}`;
}
