// The REST API that `@upstash/redis` speaks, served locally in front of a real redis-server,
// so the edge code path (HTTP + JSON + base64) is the one exercised in dev and tests.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { encodeReply, type JsonReply } from './encode-reply.ts';
import { CommandRejectedError, parseCommand, parseCommandList } from './parse-commands.ts';
import { createRespClient, RespConnectionError, type RespClient } from './resp-client.ts';
import { RespError, type RespValue } from './resp-parser.ts';
import { createScriptCompat } from './script-compat.ts';

/** Options for {@link startUpstashEndpoint}; give `redisUrl` or `redisPort`. */
export interface UpstashEndpointOptions {
  /** `redis://127.0.0.1:6379`; only host and port are used. */
  redisUrl?: string;
  redisPort?: number;
  /** The bearer token clients must send. */
  token: string;
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
}

/** A running endpoint. */
export interface UpstashEndpoint {
  /** `http://127.0.0.1:<port>`, the value for `UPSTASH_REDIS_REST_URL`. */
  url: string;
  port: number;
  token: string;
  /** Closes the HTTP server and the redis connection. */
  stop(): Promise<void>;
}

type Outcome = { status: number; body: unknown };

class BodyTooLargeError extends Error {}

function resolveRedisAddress(options: UpstashEndpointOptions): { host: string; port: number } {
  if (options.redisUrl) {
    const url = new URL(options.redisUrl);
    return { host: url.hostname || '127.0.0.1', port: Number(url.port || 6379) };
  }
  if (options.redisPort) return { host: '127.0.0.1', port: options.redisPort };
  throw new Error('startUpstashEndpoint needs redisUrl or redisPort');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function isAuthorized(req: IncomingMessage, expected: Buffer): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer (.+)$/i.exec(header);
  const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('_token');
  const given = match?.[1] ?? query;
  return given !== null && given !== undefined && timingSafeEqual(digest(given), expected);
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new CommandRejectedError('ERR request body is not valid JSON');
  }
}

function toEntry(value: RespValue, base64: boolean): { result: JsonReply } | { error: string } {
  return value instanceof RespError
    ? { error: value.message }
    : { result: encodeReply(value, base64) };
}

/** Sends commands in one write and hands back replies as the client would see them. */
type Run = (commands: string[][], framing?: 'multi') => Promise<RespValue[]>;

function createRunner(redis: RespClient): Run {
  const translate = createScriptCompat();
  return async function run(commands, framing) {
    const translated = commands.map(translate);
    const args = translated.map((command) => command.args);
    const sent = framing === 'multi' ? [['MULTI'], ...args, ['EXEC']] : args;
    const replies = await redis.sendAll(sent);
    const restore = (reply: RespValue, i: number) => translated[i]?.restoreReply?.(reply) ?? reply;
    if (framing !== 'multi') return replies.map(restore);
    const exec = replies[replies.length - 1];
    if (Array.isArray(exec)) replies[replies.length - 1] = exec.map(restore);
    return replies;
  };
}

async function runSingle(run: Run, body: unknown, base64: boolean): Promise<Outcome> {
  const [reply] = await run([parseCommand(body)]);
  const entry = toEntry(reply ?? null, base64);
  return { status: 'error' in entry ? 400 : 200, body: entry };
}

async function runPipeline(run: Run, body: unknown, base64: boolean): Promise<Outcome> {
  const replies = await run(parseCommandList(body));
  return { status: 200, body: replies.map((reply) => toEntry(reply, base64)) };
}

async function runTransaction(run: Run, body: unknown, base64: boolean): Promise<Outcome> {
  const replies = await run(parseCommandList(body), 'multi');
  const exec = replies[replies.length - 1];
  if (exec instanceof RespError) {
    // EXECABORT: a command was refused while queueing; report that command's error.
    const queued = replies.slice(1, -1).find((reply) => reply instanceof RespError);
    const reason =
      queued instanceof RespError ? `${exec.message}: ${queued.message}` : exec.message;
    return { status: 400, body: { error: reason } };
  }
  if (!Array.isArray(exec)) return { status: 400, body: { error: 'ERR transaction aborted' } };
  return { status: 200, body: exec.map((reply) => toEntry(reply, base64)) };
}

const ROUTES: Record<string, typeof runSingle> = {
  '/': runSingle,
  '/pipeline': runPipeline,
  '/multi-exec': runTransaction,
};

function send(res: ServerResponse, outcome: Outcome): void {
  const payload = JSON.stringify(outcome.body);
  res.writeHead(outcome.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** Starts the endpoint on 127.0.0.1 and resolves once it is listening. */
export async function startUpstashEndpoint(
  options: UpstashEndpointOptions,
): Promise<UpstashEndpoint> {
  if (!options.token) throw new Error('startUpstashEndpoint needs a non-empty token');
  const redis = createRespClient({ ...resolveRedisAddress(options), connectTimeoutMs: 1_000 });
  const runCommands = createRunner(redis);
  const expectedToken = digest(options.token);
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;

  async function handle(req: IncomingMessage): Promise<Outcome> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.replace(/(.)\/$/, '$1');
    if (!isAuthorized(req, expectedToken)) return { status: 401, body: { error: 'Unauthorized' } };
    const run = ROUTES[path];
    if (!run) return { status: 404, body: { error: `ERR unsupported path ${path}` } };
    if (req.method !== 'POST') return { status: 405, body: { error: 'ERR use POST' } };
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';

    try {
      return await run(runCommands, await readJson(req, maxBodyBytes), base64);
    } catch (error) {
      if (error instanceof CommandRejectedError)
        return { status: 400, body: { error: error.message } };
      if (error instanceof BodyTooLargeError) {
        return { status: 413, body: { error: 'ERR request body too large' } };
      }
      if (error instanceof RespConnectionError)
        return { status: 503, body: { error: error.message } };
      throw error;
    }
  }

  const server = createServer((req, res) => {
    handle(req).then(
      (outcome) => send(res, outcome),
      (error: unknown) => send(res, { status: 500, body: { error: `ERR ${String(error)}` } }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token: options.token,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await redis.close();
    },
  };
}
