import type { ChatContext } from '../../chat/context.ts';
import { countUsers, createUser, issueToken } from '../../chat/users.ts';
import { startNodeServer } from '../../entry/node.ts';
import { withWebApp } from '../../entry/static.ts';
import type { CommandContext } from '../main.ts';

/** On a new database, creates the first admin and returns their token (shown once). */
export async function ensureFirstAdmin(chat: ChatContext): Promise<string | null> {
  if ((await countUsers(chat)) > 0) return null;
  const admin = await createUser(chat, { name: 'admin', displayName: 'Admin', isAdmin: true });
  return (await issueToken(chat, admin.id, 'first admin')).token;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const done = (signal: string) => resolve(signal);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/** `stek serve`: the API alone, on the embedded defaults. */
export async function serve(ctx: CommandContext): Promise<number> {
  const config = ctx.config();
  const server = await startNodeServer({ config, extend: withWebApp });
  const adminToken = await ensureFirstAdmin({ db: server.db, now: Date.now });
  ctx.out.result(
    { url: server.url, dataDir: config.dataDir, adminToken },
    (r: { url: string; adminToken: string | null }) =>
      [
        `stek API listening on ${r.url}`,
        r.adminToken
          ? `new database: created user 'admin'; token (shown once): ${r.adminToken}`
          : undefined,
      ]
        .filter(Boolean)
        .join('\n'),
  );
  const signal = await waitForSignal();
  ctx.out.say(`received ${signal}, stopping`);
  await server.close();
  return 0;
}

/**
 * `stek start` (and `stek dev --edge`): the local stack, every service the machine can run,
 * until Ctrl-C.
 */
export async function start(ctx: CommandContext): Promise<number> {
  const { startLocalStack } = await import('../../dev/stack.ts');
  // Listen before starting anything: Ctrl-C during start-up must still stop the services
  // already running (they live in their own process groups and would outlive us).
  let stopRequested: string | undefined;
  const signalled = waitForSignal().then((signal) => (stopRequested = signal));
  ctx.out.say('starting the local stack…');
  const stack = await startLocalStack({
    env: { STEK_LOG: 'silent', ...process.env },
    edge: Boolean(ctx.flags.edge),
    say: (line) => (ctx.out.json ? process.stderr.write(`${line}\n`) : ctx.out.say(line)),
  });
  if (stopRequested) {
    ctx.out.say(`received ${stopRequested} while starting, stopping every service`);
    await stack.stop();
    return 0;
  }
  const adminToken = await ensureFirstAdmin({ db: stack.db, now: Date.now });
  ctx.out.result(
    { services: stack.services, adminToken },
    (r: { services: typeof stack.services; adminToken: string | null }) =>
      [
        ...r.services.map((s) => `  ${s.name.padEnd(9)} ${(s.url ?? '–').padEnd(28)} ${s.note}`),
        '',
        `stek is ready: ${stack.url}  (Ctrl-C stops everything)`,
        r.adminToken
          ? `new database: created user 'admin'; token (shown once): ${r.adminToken}\n` +
            `sign in to the web app: ${stack.url}/#token=${r.adminToken}`
          : undefined,
      ]
        .filter((line) => line !== undefined)
        .join('\n'),
  );
  const signal = await signalled;
  ctx.out.say(`received ${signal}, stopping every service`);
  await stack.stop();
  ctx.out.say('stopped');
  return 0;
}
