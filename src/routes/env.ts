import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Actor, ChatContext } from '../chat/context.ts';
import type { ChannelEvent } from '../chat/events.ts';
import type { AuthCache } from '../kv/auth-cache.ts';
import type { KvStore, RateLimitRule } from '../kv/kv-store.ts';
import type { SearchOrigin } from '../search/origin-client.ts';
import type { RouteClass } from './middleware/rate-limit.ts';
import type { RealtimeOptions } from './realtime.ts';

/** One structured log line; the entry decides where it goes. */
export type LogFn = (entry: Record<string, unknown>) => void;

/** A named dependency check for `/health`: resolves when the dependency answers. */
export type HealthCheck = () => Promise<unknown>;

/** Everything the app is built from. Entries construct these; nothing here opens a connection. */
export interface AppDeps {
  chat: ChatContext;
  /** Called after a change commits with the events it appended (realtime fan-out, indexing). */
  onEvents?: (events: ChannelEvent[]) => Promise<void>;
  /**
   * Called after a user is deactivated with the channels they were in, so live sockets can be
   * closed. Like `onEvents` it never holds up the response.
   */
  onUserDeactivated?: (userId: string, channelIds: string[]) => Promise<void>;
  /** Live rooms: where they are and the secret tickets are signed with. Off when absent. */
  realtime?: RealtimeOptions;
  /** Full-text search through the search origin; without it `/v1/search` answers 503. */
  search?: { origin: SearchOrigin };
  /**
   * The key-value store at work: rate limits, idempotent retries and the token cache. Without it
   * none of the three apply; the database stays the source of truth either way.
   */
  kv?: KvDeps;
  /** Extra dependency checks reported by `/health`; the database is always checked. */
  healthChecks?: Record<string, HealthCheck>;
  log?: LogFn;
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes?: number;
  /**
   * The web app's files (`src/entry/static.ts` on Node): asked for every GET outside `/v1` and
   * `/health`; null means no such file, and the JSON 404 follows.
   */
  staticAssets?: (request: Request) => Promise<Response | null>;
}

export interface KvDeps {
  store: KvStore;
  /** Budgets per route class; a class without one is unlimited. */
  limits: Partial<Record<RouteClass, RateLimitRule>>;
  /** Caches token lookups; see `createAuthCache`. */
  authCache?: AuthCache;
  /** How long an Idempotency-Key's response is replayed; 24 h by default. */
  idempotencyTtlMs?: number;
}

export interface AppVariables {
  requestId: string;
  auth: Actor;
}

export type AppEnv = { Variables: AppVariables };

export type App = OpenAPIHono<AppEnv>;
