import { createClient, type Client } from '@libsql/client/web';
import { drizzle } from 'drizzle-orm/libsql/web';
import type { ExecutionContext } from 'hono';
import { z } from 'zod';
import { defaultRateRules, RateRuleSchema } from '../lib/rate-rule.ts';
import { fetchDrainingRefusedBodies } from '../lib/request-body.ts';
import { createApp, defaultBodyLimitBytes, type AppDeps } from '../app.ts';
import { authenticate } from '../chat/users.ts';
import { createDatabase, type Database } from '../db/database.ts';
import * as schema from '../db/schema.ts';
import type { RateLimitRule } from '../kv/index.ts';
import { createPublisherFromConfig, readRealtimeConfig } from '../realtime/config.ts';
import type { App, HealthCheck, LogFn } from '../routes/env.ts';
import { createSearchOriginClient } from '../search/origin-client.ts';
import { createKvDeps } from './kv.ts';

/** The bindings the worker reads; `wrangler.toml` documents each one. Deno reads the same names. */
export interface WorkerEnv {
  /** libSQL over HTTP: Turso in production, the local Hrana server in development. */
  LIBSQL_URL: string;
  LIBSQL_AUTH_TOKEN?: string;
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  REALTIME_HOST?: string;
  REALTIME_PUBLIC_HOST?: string;
  REALTIME_SECRET?: string;
  REALTIME_TICKET_TTL_MS?: string;
  REALTIME_PUBLISH_TIMEOUT_MS?: string;
  SEARCH_ORIGIN_URL?: string;
  SEARCH_ORIGIN_SECRET?: string;
  /** Rate limits per caller, `N/window` (`300/60s`) or `off`; the Node entry's defaults. */
  STEK_RATE_LIMIT_POST?: string;
  STEK_RATE_LIMIT_READ?: string;
  STEK_RATE_LIMIT_SEARCH?: string;
  STEK_RATE_LIMIT_AUTH?: string;
  /** How long a key-value call may take before the API goes on without it; 200 ms by default. */
  STEK_KV_TIMEOUT_MS?: string;
  /** Largest accepted request body in bytes; 256 KiB when unset. */
  BODY_LIMIT_BYTES?: string;
}

/** Every variable the edge entries read, for tools that pass or allow them by name. */
export const edgeEnvNames = [
  'LIBSQL_URL',
  'LIBSQL_AUTH_TOKEN',
  'UPSTASH_REDIS_REST_URL',
  'UPSTASH_REDIS_REST_TOKEN',
  'REALTIME_HOST',
  'REALTIME_PUBLIC_HOST',
  'REALTIME_SECRET',
  'REALTIME_TICKET_TTL_MS',
  'REALTIME_PUBLISH_TIMEOUT_MS',
  'SEARCH_ORIGIN_URL',
  'SEARCH_ORIGIN_SECRET',
  'STEK_RATE_LIMIT_POST',
  'STEK_RATE_LIMIT_READ',
  'STEK_RATE_LIMIT_SEARCH',
  'STEK_RATE_LIMIT_AUTH',
  'STEK_KV_TIMEOUT_MS',
  'BODY_LIMIT_BYTES',
] as const satisfies ReadonlyArray<keyof WorkerEnv>;

// Wrangler turns an empty `[vars]` entry into "", which means "not configured" here.
const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(emptyAsUndefined, schema.optional());

// The same budget syntax as the Node entry.
const RateRule = RateRuleSchema;

const EdgeEnv = z.object({
  LIBSQL_URL: z
    .string({ error: 'is not set' })
    .regex(/^(https?|libsql):\/\//, 'must be an http(s):// or libsql:// URL'),
  LIBSQL_AUTH_TOKEN: optional(z.string()),
  UPSTASH_REDIS_REST_URL: optional(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  ),
  UPSTASH_REDIS_REST_TOKEN: optional(z.string()),
  SEARCH_ORIGIN_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
  SEARCH_ORIGIN_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),
  STEK_RATE_LIMIT_POST: z.preprocess(emptyAsUndefined, RateRule.prefault(defaultRateRules.post)),
  STEK_RATE_LIMIT_READ: z.preprocess(emptyAsUndefined, RateRule.prefault(defaultRateRules.read)),
  STEK_RATE_LIMIT_SEARCH: z.preprocess(
    emptyAsUndefined,
    RateRule.prefault(defaultRateRules.search),
  ),
  STEK_RATE_LIMIT_AUTH: z.preprocess(emptyAsUndefined, RateRule.prefault(defaultRateRules.auth)),
  STEK_KV_TIMEOUT_MS: optional(z.coerce.number().int().min(1).max(10_000)),
  BODY_LIMIT_BYTES: optional(
    z.coerce
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024),
  ),
});

/** The edge configuration, checked: what {@link createEdgeApp} builds the app from. */
export interface EdgeConfig {
  libsql: { url: string; authToken?: string };
  realtime: ReturnType<typeof readRealtimeConfig>;
  search: { url: string; secret: string } | null;
  /**
   * Upstash, or null. The edge has no in-process fallback: a store per isolate would let a token
   * revoked in one isolate stay cached in another, and budgets would not add up across them.
   */
  kv: { url: string; token: string; timeoutMs: number; limits: KvLimits } | null;
  bodyLimitBytes?: number;
}

type KvLimits = Record<'post' | 'read' | 'search' | 'auth', RateLimitRule | null>;

/** Either the configuration or every problem found, each naming its variable. */
export type EdgeConfigResult = { ok: true; config: EdgeConfig } | { ok: false; problems: string[] };

function withoutEmpty(env: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) {
    if (typeof value === 'string' && value !== '') out[key] = value;
  }
  return out;
}

/**
 * Checks the edge bindings (Workers `env`, or Deno's environment). Shared by the worker and the
 * Deno entry so both refuse the same misconfigurations with the same messages.
 */
export function readEdgeConfig(env: Record<string, unknown>): EdgeConfigResult {
  const problems: string[] = [];
  const parsed = EdgeEnv.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push(`${issue.path.join('.')} ${issue.message}`);
  }
  const e = parsed.success ? parsed.data : undefined;
  if (e?.UPSTASH_REDIS_REST_URL && !e.UPSTASH_REDIS_REST_TOKEN) {
    problems.push('UPSTASH_REDIS_REST_TOKEN is required with UPSTASH_REDIS_REST_URL');
  }
  if (e?.SEARCH_ORIGIN_URL && !e.SEARCH_ORIGIN_SECRET) {
    problems.push('SEARCH_ORIGIN_SECRET is required with SEARCH_ORIGIN_URL');
  }

  let realtime: EdgeConfig['realtime'] = null;
  try {
    realtime = readRealtimeConfig(withoutEmpty(env));
  } catch (err) {
    // readRealtimeConfig names each bad variable on its own indented line.
    const lines = (err as Error).message.split('\n').slice(1);
    problems.push(...lines.map((line) => line.trim().replace(/^(\w+):/, '$1')));
  }

  if (problems.length > 0 || !e) return { ok: false, problems };
  return {
    ok: true,
    config: {
      libsql: { url: e.LIBSQL_URL, authToken: e.LIBSQL_AUTH_TOKEN },
      realtime,
      search:
        e.SEARCH_ORIGIN_URL && e.SEARCH_ORIGIN_SECRET
          ? { url: e.SEARCH_ORIGIN_URL, secret: e.SEARCH_ORIGIN_SECRET }
          : null,
      kv:
        e.UPSTASH_REDIS_REST_URL && e.UPSTASH_REDIS_REST_TOKEN
          ? {
              url: e.UPSTASH_REDIS_REST_URL,
              token: e.UPSTASH_REDIS_REST_TOKEN,
              timeoutMs: e.STEK_KV_TIMEOUT_MS ?? 200,
              limits: {
                post: e.STEK_RATE_LIMIT_POST,
                read: e.STEK_RATE_LIMIT_READ,
                search: e.STEK_RATE_LIMIT_SEARCH,
                auth: e.STEK_RATE_LIMIT_AUTH,
              },
            }
          : null,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
    },
  };
}

/**
 * A database whose writes each run as their own transaction, in the caller's own async context.
 * The shared write queue of `createDatabase` runs queued jobs inside whichever request started
 * the drain; workerd cancels a request's I/O once that request has answered and refuses I/O on
 * behalf of another request, so queued writers from other requests would hang. Writes stay
 * correct without the queue: every libSQL transaction here begins as a write (`BEGIN IMMEDIATE`),
 * and the server serializes them; what is lost is grouping several writes into one commit.
 */
export function createUnqueuedDatabase(client: Client): Database {
  const db = drizzle(client, { schema });
  return {
    read: db,
    write: (job) => db.transaction((tx) => job(tx)),
    async close() {
      client.close();
    },
  };
}

export interface EdgeAppOptions {
  log?: LogFn;
  /**
   * True on workerd, where I/O belongs to the request that started it: no work may be queued
   * behind another request's. Writes then go unqueued (see {@link createUnqueuedDatabase}), and
   * the libSQL client's own limit on concurrent queries (20, shared by the isolate) is lifted,
   * since a query waiting in it is started later from whichever request freed a slot.
   */
  requestBoundIo: boolean;
}

// High enough that the client never holds a query back; workerd bounds a request's own
// concurrent subrequests itself.
const unlimitedQueries = 1_000_000;

/**
 * Builds the app for an edge runtime: libSQL over HTTP (the web client, no native code), and
 * the key-value store, live rooms and search when configured. Nothing connects until the first
 * query.
 */
export function createEdgeApp(config: EdgeConfig, options: EdgeAppOptions): App {
  const client = createClient({
    url: config.libsql.url,
    authToken: config.libsql.authToken,
    concurrency: options.requestBoundIo ? unlimitedQueries : undefined,
  });
  const db = options.requestBoundIo ? createUnqueuedDatabase(client) : createDatabase({ client });
  const chat = { db, now: Date.now };
  const deps: AppDeps = { chat, log: options.log, bodyLimitBytes: config.bodyLimitBytes };
  if (config.kv) {
    const kvConfig = { mode: 'auto' as const, ...config.kv };
    deps.kv = createKvDeps(kvConfig, (secret) => authenticate(chat, secret), options.log);
  }
  const healthChecks: Record<string, HealthCheck> = {};
  if (config.realtime) {
    const host = config.realtime.options.host;
    deps.realtime = config.realtime.options;
    deps.onEvents = createPublisherFromConfig(config.realtime).publish;
    healthChecks.realtime = async () => {
      const res = await fetch(host, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
    };
  }
  if (config.search) {
    const origin = createSearchOriginClient(config.search);
    deps.search = { origin };
    healthChecks.search = () => origin.health();
  }
  deps.healthChecks = healthChecks;
  return createApp(deps);
}

const log: LogFn = (entry) => console.log(JSON.stringify(entry));

function configError(problems: string[]): Response {
  const body = {
    error: { code: 'misconfigured', message: 'the worker is misconfigured', details: problems },
  };
  return Response.json(body, { status: 500 });
}

interface BuiltWorker {
  app: App;
  bodyLimitBytes: number;
}

// One app per isolate and bindings object: building it per request would redo the routing table
// and reconnect to libSQL every time.
const built = new WeakMap<object, BuiltWorker | string[]>();

function buildFor(env: WorkerEnv): BuiltWorker | string[] {
  let entry = built.get(env);
  if (!entry) {
    const result = readEdgeConfig(env as unknown as Record<string, unknown>);
    entry = result.ok
      ? {
          app: createEdgeApp(result.config, { log, requestBoundIo: true }),
          bodyLimitBytes: result.config.bodyLimitBytes ?? defaultBodyLimitBytes,
        }
      : result.problems;
    built.set(env, entry);
  }
  return entry;
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const worker = buildFor(env);
    if (Array.isArray(worker)) {
      log({ level: 'error', msg: 'misconfigured', problems: worker });
      return configError(worker);
    }

    return fetchDrainingRefusedBodies(
      (sized) => worker.app.fetch(sized, env, ctx),
      request,
      worker.bodyLimitBytes,
    );
  },
};
