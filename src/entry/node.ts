import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import {
  getRequestListener,
  RequestError,
  type HttpBindings,
  type Http2Bindings,
  type ServerType,
} from '@hono/node-server';
import { createApp, defaultBodyLimitBytes, type AppDeps } from '../app.ts';
import { attachReadBody, fetchDrainingRefusedBodies } from '../lib/request-body.ts';
import type { Database } from '../db/database.ts';
import { openDatabase } from '../db/node.ts';
import type { ChannelEvent } from '../chat/events.ts';
import { createPublisherFromConfig } from '../realtime/config.ts';
import type { HealthCheck, LogFn } from '../routes/env.ts';
import { createSearchIndexer, createSearchNudge } from '../search/indexer.ts';
import { createSearchOriginClient } from '../search/origin-client.ts';
import type { NodeConfig } from './config.ts';
import { createKvDeps } from './kv.ts';
import { readDeclaredJsonBody } from './node-body.ts';
import { ApiError } from '../lib/errors.ts';
import { newRequestId } from '../lib/ids.ts';
import { authenticate } from '../chat/users.ts';

export interface NodeServer {
  url: string;
  port: number;
  db: Database;
  close(): Promise<void>;
}

/** A log function writing one JSON line per entry to stdout, or nothing. */
export function createLogger(mode: NodeConfig['log']): LogFn | undefined {
  if (mode === 'silent') return undefined;
  if (mode === 'pretty') {
    // One short line per entry for a person at a terminal; the JSON fields follow the message.
    return ({ level, msg, ...rest }) => {
      const fields =
        msg === 'request'
          ? `${rest.method} ${rest.path} ${rest.status} ${rest.ms}ms ${rest.requestId}`
          : JSON.stringify(rest);
      process.stdout.write(`${new Date().toISOString().slice(11, 23)} ${level} ${msg} ${fields}\n`);
    };
  }
  return (entry) => {
    const line = { time: new Date().toISOString(), ...entry };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
}

/**
 * Connects the optional services the configuration names: realtime fan-out and the search
 * indexer, both fed the committed events; each failing alone never fails the other.
 */
function connectServices(config: NodeConfig, db: Database, log?: LogFn) {
  const publisher = config.realtime ? createPublisherFromConfig(config.realtime) : undefined;
  const origin = config.search
    ? createSearchOriginClient({ url: config.search.url, secret: config.search.secret })
    : undefined;
  const indexer = origin ? createSearchIndexer({ db, origin, log }) : undefined;
  const nudge = indexer ? createSearchNudge(indexer) : undefined;
  indexer?.start({ intervalMs: 1_000 });

  const healthChecks: Record<string, HealthCheck> = {};
  if (origin) healthChecks.search = () => origin.health();
  if (config.realtime) {
    const host = config.realtime.options.host;
    healthChecks.realtime = async () => {
      const res = await fetch(host, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
    };
  }
  return {
    search: origin ? { origin } : undefined,
    healthChecks,
    onEvents:
      publisher || nudge
        ? async (events: ChannelEvent[]) => {
            const [published] = await Promise.allSettled([
              publisher?.publish(events),
              nudge?.(events),
            ]);
            if (published.status === 'rejected') throw published.reason;
          }
        : undefined,
    onUserDeactivated: publisher
      ? (userId: string, channelIds: string[]) =>
          publisher.disconnectUser(userId, channelIds, 'deactivated')
      : undefined,
    stop: async () => {
      await indexer?.stop();
    },
  };
}

/**
 * The answer to a request the app never sees: one whose request line or Host header cannot make
 * a URL (a backslash in the path, a malformed Host), or whose body broke off. Same envelope and
 * request id as the app's own refusals.
 */
function refuseUnreadable(err: unknown, log?: LogFn): Response {
  const requestId = newRequestId();
  const clientFault = err instanceof RequestError;
  const error = clientFault
    ? new ApiError(
        400,
        'malformed_request',
        `the request cannot be read: ${(err as RequestError).message}`,
      )
    : new ApiError(500, 'internal', 'something went wrong on our side');
  log?.({
    level: clientFault ? 'info' : 'error',
    msg: 'unreadable request',
    requestId,
    error: String(err),
  });
  return new Response(JSON.stringify(error.toJSON(requestId)), {
    status: error.status,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
  });
}

export interface StartNodeServerOptions {
  config: NodeConfig;
  /** Dependencies beyond the database (key-value store, realtime, search), when running. */
  extend?: (deps: AppDeps) => AppDeps | Promise<AppDeps>;
  db?: Database;
}

/** Opens the database (migrating a local file) and serves the API on Node. */
export async function startNodeServer(options: StartNodeServerOptions): Promise<NodeServer> {
  const { config } = options;
  const db =
    options.db ??
    (await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken }));
  const log = createLogger(config.log);
  const chat = { db, now: Date.now };
  const kv =
    config.kv.mode === 'off'
      ? undefined
      : createKvDeps(config.kv, (secret) => authenticate(chat, secret), log);
  log?.(
    !kv
      ? { level: 'info', msg: 'key-value store: off (no rate limits, idempotency or token cache)' }
      : kv.mode === 'upstash'
        ? { level: 'info', msg: 'key-value store: Upstash Redis', url: config.kv.url }
        : {
            level: 'info',
            msg: 'key-value store: in-process (rate limits, idempotency and the token cache hold for this process only)',
          },
  );
  const services = connectServices(config, db, log);
  if (kv?.mode === 'upstash') services.healthChecks.kv = () => kv.store.get('health:probe');
  let deps: AppDeps = {
    chat,
    log,
    kv,
    realtime: config.realtime?.options,
    search: services.search,
    onEvents: services.onEvents,
    onUserDeactivated: services.onUserDeactivated,
    healthChecks: services.healthChecks,
  };
  if (options.extend) deps = await options.extend(deps);
  const app = createApp(deps);
  const server: ServerType = await new Promise((resolveServer, reject) => {
    const limit = deps.bodyLimitBytes ?? defaultBodyLimitBytes;
    const fetch = async (request: Request, env: HttpBindings | Http2Bindings) => {
      const reading = readDeclaredJsonBody(env.incoming, limit);
      if (reading) {
        const bytes = await reading.catch(() => undefined);
        // The client left mid-body: nobody will read this answer.
        if (!bytes) return refuseUnreadable(new RequestError('the request body ended early'), log);
        return app.fetch(attachReadBody(request, bytes), env);
      }
      return fetchDrainingRefusedBodies((sized) => app.fetch(sized, env), request, limit);
    };
    const listener = getRequestListener(fetch, {
      hostname: config.host,
      errorHandler: (err) => refuseUnreadable(err, log),
    });
    const s = createServer(listener);
    s.once('error', reject);
    s.listen(config.port, config.host, () => resolveServer(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${config.host}:${port}`,
    port,
    db,
    async close() {
      await new Promise<void>((done) => server.close(() => done()));
      await services.stop();
      await db.close();
    },
  };
}
