/**
 * Serves a local database file over libSQL's HTTP protocol:
 *   npx tsx src/dev/hrana/main.ts --db ./file.db --port 8080 [--host 127.0.0.1] [--auth-token T]
 */
import { parseArgs } from 'node:util';
import { startHranaServer } from './server.ts';

const usage = `Usage: tsx src/dev/hrana/main.ts --db <file> [options]

  --db <file>               database file to serve (created when missing)
  --port <n>                TCP port, 0 for a free one (default 8080)
  --host <addr>             interface to listen on (default 127.0.0.1)
  --auth-token <token>      require "Authorization: Bearer <token>"
  --idle-timeout-ms <n>     drop streams idle this long (default 10000)
  --max-streams <n>         streams open at once (default 128)
  --busy-timeout-ms <n>     wait this long for another writer (default 5000)
  --log                     print one line per request
  --help                    show this text`;

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

function readInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    fail(`--${name} must be a whole number, got "${text}"`);
  }
  return value;
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        db: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'auth-token': { type: 'string' },
        'idle-timeout-ms': { type: 'string' },
        'max-streams': { type: 'string' },
        'busy-timeout-ms': { type: 'string' },
        log: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(usage);
    return;
  }
  if (values.db === undefined || values.db === '') fail('--db is required');

  const server = await startHranaServer({
    dbPath: values.db,
    port: readInteger('port', values.port) ?? 8080,
    host: values.host ?? '127.0.0.1',
    authToken: values['auth-token'],
    streamIdleTimeoutMs: readInteger('idle-timeout-ms', values['idle-timeout-ms']),
    maxStreams: readInteger('max-streams', values['max-streams']),
    busyTimeoutMs: readInteger('busy-timeout-ms', values['busy-timeout-ms']),
    onRequest: values.log
      ? (info) => console.log(JSON.stringify({ at: new Date().toISOString(), ...info }))
      : undefined,
  });
  console.log(`libSQL HTTP listening on ${server.url}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`libSQL HTTP server failed to start: ${(error as Error).message}`);
  process.exit(1);
});
