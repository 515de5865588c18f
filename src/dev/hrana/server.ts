import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Database from 'libsql';
import { createBusyWaiter } from './busy-waiter.ts';
import {
  decodeJsonCursorRequest,
  decodeJsonPipelineRequest,
  encodeJsonCursorEntry,
  encodeJsonCursorHead,
  encodeJsonPipelineResponse,
} from './json-codec.ts';
import { HranaProtocolError, HranaRequestError, type StreamResult } from './protocol.ts';
import { SqliteConnection } from './sqlite-connection.ts';
import { createStreamRegistry, type HranaStream, type StreamRegistry } from './stream-registry.ts';
import { executeBatch, executeStreamRequest, toCursorEntries } from './stream-requests.ts';

/** Options of {@link startHranaServer}. */
export interface HranaServerOptions {
  /** Path of the SQLite/libSQL database file; created when missing. */
  dbPath: string;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. */
  host?: string;
  /** When set, pipeline and cursor requests need `Authorization: Bearer <authToken>`. */
  authToken?: string;
  /** Idle time after which a stream (and its open transaction) is dropped. Default 10 s. */
  streamIdleTimeoutMs?: number;
  /** Streams open at once; more are refused with HTTP 503. Default 128. */
  maxStreams?: number;
  /** How long a statement waits for another writer before SQLITE_BUSY. Default 5 s. */
  busyTimeoutMs?: number;
  /** Largest accepted request body. Default 32 MiB. */
  maxBodyBytes?: number;
  /** Called once per HTTP request, for the caller to log. */
  onRequest?: (info: HranaRequestInfo) => void;
}

/** What {@link HranaServerOptions.onRequest} receives. */
export interface HranaRequestInfo {
  method: string;
  path: string;
  status: number;
  ms: number;
}

/** A running server. */
export interface HranaServer {
  /** Base URL for `createClient({ url })`, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Closes every stream (rolling back open transactions) and stops listening. */
  stop(): Promise<void>;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

function checkPositive(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen <= 0) {
    throw new TypeError(`startHranaServer: ${name} must be a positive integer, got ${value}`);
  }
  return chosen;
}

function prepareDatabaseFile(dbPath: string): void {
  // WAL lets readers go on while one stream writes, which is what sqld runs too.
  const db = new Database(dbPath, { timeout: 5000 });
  try {
    db.exec('PRAGMA journal_mode=WAL');
  } finally {
    db.close();
  }
}

/**
 * Serves a local database file over Hrana over HTTP (versions 2 and 3, JSON encoding), the
 * protocol `@libsql/client` speaks to sqld and Turso.
 */
export async function startHranaServer(options: HranaServerOptions): Promise<HranaServer> {
  if (typeof options.dbPath !== 'string' || options.dbPath === '') {
    throw new TypeError('startHranaServer: dbPath must be a file path');
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`startHranaServer: port must be 0..65535, got ${options.port}`);
  }
  const host = options.host ?? '127.0.0.1';
  if (options.authToken !== undefined && options.authToken === '') {
    throw new TypeError('startHranaServer: authToken must not be empty when given');
  }
  const busyTimeoutMs = checkPositive('busyTimeoutMs', options.busyTimeoutMs, 5_000);
  const maxBodyBytes = checkPositive('maxBodyBytes', options.maxBodyBytes, 32 * 1024 * 1024);

  prepareDatabaseFile(options.dbPath);
  const waiter = createBusyWaiter();
  const streams = createStreamRegistry({
    openConnection: () => new SqliteConnection({ dbPath: options.dbPath, busyTimeoutMs, waiter }),
    maxStreams: checkPositive('maxStreams', options.maxStreams, 128),
    idleTimeoutMs: checkPositive('streamIdleTimeoutMs', options.streamIdleTimeoutMs, 10_000),
  });
  const handler = createRequestHandler({
    streams,
    authToken: options.authToken,
    maxBodyBytes,
    onRequest: options.onRequest,
  });

  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}`,
    stop: async function stopHranaServer() {
      streams.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

interface HandlerOptions {
  streams: StreamRegistry;
  authToken: string | undefined;
  maxBodyBytes: number;
  onRequest: ((info: HranaRequestInfo) => void) | undefined;
}

const versionPaths = new Set(['/v2', '/v3']);

function createRequestHandler(options: HandlerOptions) {
  const expectedAuth =
    options.authToken === undefined ? undefined : Buffer.from(`Bearer ${options.authToken}`);

  const isAuthorized = (req: IncomingMessage): boolean => {
    if (expectedAuth === undefined) return true;
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expectedAuth.length && timingSafeEqual(given, expectedAuth);
  };

  const route = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (req.method === 'GET' && (path === '/' || path === '/health' || versionPaths.has(path))) {
      // The client probes versions without credentials, so these stay open.
      return sendText(res, 200, 'ok');
    }
    const endpoint =
      path === '/v2/pipeline' || path === '/v3/pipeline'
        ? 'pipeline'
        : path === '/v3/cursor'
          ? 'cursor'
          : undefined;
    if (endpoint === undefined) throw new HttpFailure(404, `No endpoint at ${path}`, 'NOT_FOUND');
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      throw new HttpFailure(405, `${path} accepts only POST`, 'METHOD_NOT_ALLOWED');
    }
    if (!isAuthorized(req)) {
      return sendText(res, 401, 'Unauthorized: missing or wrong bearer token');
    }
    const body = await readBody(req, options.maxBodyBytes);
    if (endpoint === 'pipeline') return handlePipeline(res, body, options.streams);
    return handleCursor(res, body, options.streams);
  };

  return async function handleHranaRequest(req: IncomingMessage, res: ServerResponse) {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    try {
      await route(req, res, path);
    } catch (error) {
      sendFailure(res, error);
    }
    options.onRequest?.({
      method: req.method ?? '',
      path,
      status: res.statusCode,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpFailure(413, `Request body exceeds ${limit} bytes`, 'BODY_TOO_LARGE'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function claimStream(streams: StreamRegistry, baton: string | null): HranaStream {
  if (baton === null) {
    const stream = streams.open();
    if (stream === undefined) {
      throw new HttpFailure(503, 'Too many open streams; try again later', 'STREAMS_EXHAUSTED');
    }
    return stream;
  }
  const stream = streams.take(baton);
  if (stream === undefined) {
    throw new HttpFailure(
      400,
      'The baton is invalid or already used, or its stream has expired',
      'STREAM_EXPIRED',
    );
  }
  return stream;
}

async function handlePipeline(res: ServerResponse, body: Uint8Array, streams: StreamRegistry) {
  const request = decodeJsonPipelineRequest(body);
  const stream = claimStream(streams, request.baton);
  const results: StreamResult[] = [];
  try {
    for (const streamRequest of request.requests) {
      results.push(await executeStreamRequest(stream, streamRequest));
    }
  } catch (error) {
    streams.close(stream);
    throw error;
  }
  const baton = finishStream(streams, stream);
  sendJson(res, 200, encodeJsonPipelineResponse({ baton, baseUrl: null, results }));
}

async function handleCursor(res: ServerResponse, body: Uint8Array, streams: StreamRegistry) {
  const request = decodeJsonCursorRequest(body);
  const stream = claimStream(streams, request.baton);
  let lines: string[];
  try {
    const result = await executeBatch(stream, request.steps);
    lines = toCursorEntries(result).map(encodeJsonCursorEntry);
  } catch (error) {
    const failure = error as { message?: string; code?: string };
    if (failure.code === undefined) {
      streams.close(stream);
      throw error;
    }
    lines = [
      encodeJsonCursorEntry({
        type: 'error',
        error: { message: `${failure.message}`, code: failure.code },
      }),
    ];
  }
  const baton = finishStream(streams, stream);
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(encodeJsonCursorHead(baton, null) + lines.join(''));
}

function finishStream(streams: StreamRegistry, stream: HranaStream): string | null {
  if (stream.closed) {
    streams.close(stream);
    return null;
  }
  return streams.park(stream);
}

function sendJson(res: ServerResponse, status: number, body: string) {
  // The client parses error bodies only when the type is exactly application/json.
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
}

function sendFailure(res: ServerResponse, error: unknown) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HttpFailure) {
    return sendJson(
      res,
      error.status,
      JSON.stringify({ message: error.message, code: error.code }),
    );
  }
  if (error instanceof HranaProtocolError) {
    return sendJson(
      res,
      400,
      JSON.stringify({ message: error.message, code: 'HRANA_PROTO_ERROR' }),
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  sendJson(
    res,
    500,
    JSON.stringify({ message: `Internal server error: ${message}`, code: 'INTERNAL' }),
  );
}
