import { parseArgs } from 'node:util';
import { ConfigError, readNodeConfig, type NodeConfig } from '../entry/config.ts';
import { ApiError } from '../lib/errors.ts';
import { createOutput, type Output } from './output.ts';

const usage = `stek: edge-first team chat

Usage: stek <command> [options]

Commands:
  start                          the local stack (what npm start runs)
  dev --edge                     the local stack with the API under wrangler dev (workerd),
                                 over libSQL HTTP (npm run dev:edge)
  serve                          the API on embedded defaults
  migrate [--url URL]            apply pending migrations (default: the local database)
  user create <name> [--admin] [--display-name NAME]
                                 create a user and print their token
  user list                      list users
  token create <user> [--name N] issue another token for a user
  import slack <export.zip|dir>  import a Slack workspace export
  reindex                        rebuild the search index from the database

Options:
  --json                         machine-readable output
  -h, --help                     this text

Environment: PORT (8787), HOST (127.0.0.1), STEK_DATA_DIR (./.stek), STEK_DATABASE_URL,
STEK_DATABASE_AUTH_TOKEN, STEK_LOG (json | pretty | silent).`;

export interface CommandContext {
  args: string[];
  flags: Record<string, string | boolean | undefined>;
  out: Output;
  config: () => NodeConfig;
}

type Command = (ctx: CommandContext) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./commands/serve.ts')).start,
  dev: async () => (await import('./commands/serve.ts')).start,
  serve: async () => (await import('./commands/serve.ts')).serve,
  migrate: async () => (await import('./commands/migrate.ts')).migrate,
  user: async () => (await import('./commands/users.ts')).user,
  token: async () => (await import('./commands/users.ts')).token,
  import: async () => (await import('./commands/import.ts')).importCommand,
  reindex: async () => (await import('./commands/reindex.ts')).reindex,
};

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        edge: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        admin: { type: 'boolean' },
        'display-name': { type: 'string' },
        name: { type: 'string' },
        url: { type: 'string' },
        'auth-token': { type: 'string' },
      },
    });
  } catch (err) {
    process.stderr.write(`stek: ${(err as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const out = createOutput(Boolean(parsed.values.json));
  const [name, ...args] = parsed.positionals;
  if (parsed.values.help || !name) {
    process.stdout.write(`${usage}\n`);
    return name || parsed.values.help ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    out.error(`unknown command '${name}'\n\n${usage}`, 'unknown_command');
    return 2;
  }
  try {
    const command = await load();
    return await command({
      args,
      flags: parsed.values,
      out,
      config: () => readNodeConfig(process.env),
    });
  } catch (err) {
    if (err instanceof ConfigError) out.error(err.message, 'invalid_config');
    else if (err instanceof ApiError) out.error(err.message, String(err.code));
    else if (err instanceof UsageError) {
      out.error(`${err.message}\n\n${usage}`, 'usage');
      return 2;
    } else out.error(describeFailure(err), 'failed');
    return 1;
  }
}

/** A command was called with the wrong words. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An error's message with its causes (a driver's error wrapped in a query error, say). */
function describeFailure(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e && parts.length < 4; e = (e as { cause?: unknown }).cause) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    if (!parts.includes(message)) parts.push(message);
  }
  return parts.join(': ');
}
