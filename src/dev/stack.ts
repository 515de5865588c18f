// The local stack behind `npm start`: Redis behind the local Upstash endpoint, `partykit dev`,
// Solr with the search origin, and the API, each on a free or configured port. Node-only.
import { spawnSync } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSearchOrigin } from '../../origin-search/src/server.ts';
import { startSolr } from '../../origin-search/solr/launcher.ts';
import type { Database } from '../db/database.ts';
import { openDatabase } from '../db/node.ts';
import { readNodeConfig, type NodeConfig } from '../entry/config.ts';
import { startNodeServer } from '../entry/node.ts';
import { ensureWebBuild, withWebApp } from '../entry/static.ts';
import { edgeEnvNames } from '../entry/worker.ts';
import { createSearchIndexer } from '../search/indexer.ts';
import { createSearchOriginClient } from '../search/origin-client.ts';
import { rebuildSearchIndex } from '../search/rebuild.ts';
import { startHranaServer } from './hrana/index.ts';
import { toHex } from '../lib/crypto.ts';
import { startPartykitDev } from './partykit.ts';
import { startWorkerd } from './workerd.ts';
import { findRedisServer, startRedisServer } from './redis-server.ts';
import { startUpstashEndpoint } from './upstash-endpoint/index.ts';

export interface LocalStackOptions {
  /** The environment to read ports, the data directory and overrides from. */
  env: Record<string, string | undefined>;
  /**
   * Run the API as the worker under `wrangler dev`, over libSQL HTTP (the local Hrana server on
   * the same database file), instead of on Node.
   */
  edge?: boolean;
  /** Progress and warnings for the person watching. */
  say: (line: string) => void;
}

export interface ServiceStatus {
  name: string;
  url: string | null;
  note: string;
}

export interface LocalStack {
  /** Where the API answers. */
  url: string;
  /** The database, opened by this process (the Node API's own, or beside the worker's). */
  db: Database;
  services: ServiceStatus[];
  stop(): Promise<void>;
}

interface Secrets {
  kvToken: string;
  realtimeSecret: string;
  searchSecret: string;
  libsqlToken: string;
}

const randomSecret = () => toHex(crypto.getRandomValues(new Uint8Array(24)));

/** Secrets shared between the local services; kept in the data directory across restarts. */
function loadSecrets(dataDir: string): Secrets {
  const path = join(dataDir, 'secrets.json');
  const kept = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Partial<Secrets>) : {};
  const secrets: Secrets = {
    kvToken: kept.kvToken ?? randomSecret(),
    realtimeSecret: kept.realtimeSecret ?? randomSecret(),
    searchSecret: kept.searchSecret ?? randomSecret(),
    libsqlToken: kept.libsqlToken ?? randomSecret(),
  };
  writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

const port = (value: string | undefined) => (value ? Number(value) : 0);
const hasJava = () => spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;

/**
 * Starts every local service the machine can run and the API wired to them. A service that
 * cannot start is reported and left out; the API then runs without it (no realtime, no search,
 * or the in-process key-value store), never without its database.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { env, say } = options;
  const base = readNodeConfig(env);
  mkdirSync(base.dataDir, { recursive: true });
  const secrets = loadSecrets(base.dataDir);
  const stops: Array<() => Promise<void>> = [];
  const services: ServiceStatus[] = [];
  const apiEnv: Record<string, string | undefined> = { ...env };
  // Set when the local Solr starts with an empty index: the database's messages go back in.
  let searchIndexEmpty = false;

  async function attempt(name: string, start: () => Promise<ServiceStatus>, fallback: string) {
    try {
      services.push(await start());
    } catch (err) {
      say(
        `${name}: not started (${err instanceof Error ? err.message : String(err)}); ${fallback}`,
      );
      services.push({ name, url: null, note: fallback });
    }
  }

  try {
    const redisStep = async () => {
      if (env.UPSTASH_REDIS_REST_URL) {
        services.push({
          name: 'kv',
          url: env.UPSTASH_REDIS_REST_URL,
          note: 'Upstash (configured)',
        });
        return;
      }
      if (!findRedisServer()) {
        say('kv: redis-server is not on PATH; using the in-process store (this process only)');
        services.push({ name: 'kv', url: null, note: 'in-process store' });
        return;
      }
      await attempt(
        'kv',
        async () => {
          mkdirSync(join(base.dataDir, 'redis'), { recursive: true });
          const redis = await startRedisServer({
            port: port(env.STEK_REDIS_PORT),
            dataDir: join(base.dataDir, 'redis'),
          });
          stops.push(() => redis.stop());
          const endpoint = await startUpstashEndpoint({
            redisPort: redis.port,
            token: secrets.kvToken,
            port: port(env.STEK_KV_PORT),
          });
          stops.push(() => endpoint.stop());
          apiEnv.UPSTASH_REDIS_REST_URL = endpoint.url;
          apiEnv.UPSTASH_REDIS_REST_TOKEN = secrets.kvToken;
          return {
            name: 'kv',
            url: endpoint.url,
            note: `Upstash REST endpoint → redis-server :${redis.port}`,
          };
        },
        'using the in-process store',
      );
    };

    const realtimeStep = async () => {
      if (env.REALTIME_HOST) {
        services.push({ name: 'realtime', url: env.REALTIME_HOST, note: 'PartyKit (configured)' });
        return;
      }
      await attempt(
        'realtime',
        async () => {
          const party = await startPartykitDev({
            port: port(env.STEK_REALTIME_PORT),
            persistDir: join(base.dataDir, 'partykit'),
            secret: secrets.realtimeSecret,
          });
          stops.push(() => party.stop());
          apiEnv.REALTIME_HOST = party.url;
          apiEnv.REALTIME_SECRET = secrets.realtimeSecret;
          return { name: 'realtime', url: party.url, note: 'partykit dev' };
        },
        'live updates off (clients still catch up over REST)',
      );
    };

    const searchStep = async () => {
      if (env.SEARCH_ORIGIN_URL) {
        services.push({ name: 'search', url: env.SEARCH_ORIGIN_URL, note: 'origin (configured)' });
        return;
      }
      if (!env.SOLR_URL && !hasJava()) {
        say('search: java is not installed; search is off');
        services.push({ name: 'search', url: null, note: 'off' });
        return;
      }
      await attempt(
        'search',
        async () => {
          let solrUrl = env.SOLR_URL;
          if (!solrUrl) {
            const solr = await startSolr({
              port: port(env.STEK_SOLR_PORT),
              dataDir: join(base.dataDir, 'solr'),
              onProgress: (line) => say(`search: ${line}`),
            });
            stops.push(() => solr.stop());
            solrUrl = solr.url;
            searchIndexEmpty = solr.indexEmpty;
          }
          const origin = await startSearchOrigin({
            solrUrl,
            secret: secrets.searchSecret,
            port: port(env.STEK_SEARCH_PORT),
          });
          stops.push(() => origin.stop());
          apiEnv.SEARCH_ORIGIN_URL = origin.url;
          apiEnv.SEARCH_ORIGIN_SECRET = secrets.searchSecret;
          return { name: 'search', url: origin.url, note: `origin → Solr ${solrUrl}` };
        },
        'search is off',
      );
    };

    // Solr and partykit take seconds to start: start them side by side.
    await Promise.all([redisStep(), realtimeStep(), searchStep()]);

    const api = options.edge
      ? await startEdgeApi(apiEnv, base, secrets, stops, say)
      : await startNodeApi(apiEnv, stops, say);
    services.unshift(api.status);
    if (searchIndexEmpty && apiEnv.SEARCH_ORIGIN_URL) {
      const origin = createSearchOriginClient({
        url: apiEnv.SEARCH_ORIGIN_URL,
        secret: secrets.searchSecret,
      });
      stops.push(rebuildEmptyIndex(api.db, origin, say));
    }
    // Where the running services are, for commands run beside the stack (`stek reindex`).
    const runningPath = join(base.dataDir, 'running.json');
    writeFileSync(runningPath, `${JSON.stringify({ pid: process.pid, services }, null, 2)}\n`);
    stops.unshift(async () => rmSync(runningPath, { force: true }));
    return {
      url: api.url,
      db: api.db,
      services,
      async stop() {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}

/**
 * Indexes the whole database again, in the background, into a Solr that started empty (a new
 * Solr home beside an existing database, or an index from another config set): the live
 * indexer's cursors say everything was indexed already. Returns its stop: a rebuild cut short
 * by shutdown is fine, the next empty start runs it again.
 */
function rebuildEmptyIndex(
  db: Database,
  origin: ReturnType<typeof createSearchOriginClient>,
  say: (line: string) => void,
): () => Promise<void> {
  const stopping = new AbortController();
  const rebuilt = (async () => {
    const [count] = await db.read.all<{ n: number }>(sql`select count(*) as n from messages`);
    const total = Number(count?.n ?? 0);
    if (total === 0) return;
    const messages = (n: number) => `${n} ${n === 1 ? 'message' : 'messages'}`;
    say(`search: the index is empty; indexing the database's ${messages(total)} again`);
    const summary = await rebuildSearchIndex({ db, origin, signal: stopping.signal });
    say(`search: ${messages(summary.indexed)} indexed in ${Math.round(summary.ms / 1000)} s`);
  })().catch((err: unknown) => {
    if (!stopping.signal.aborted)
      say(`search: rebuilding the index failed (${(err as Error).message}); run stek reindex`);
  });
  return async () => {
    stopping.abort();
    await rebuilt;
  };
}

interface StartedApi {
  url: string;
  db: Database;
  status: ServiceStatus;
}

async function startNodeApi(
  apiEnv: Record<string, string | undefined>,
  stops: Array<() => Promise<void>>,
  say: (line: string) => void,
): Promise<StartedApi> {
  const config = readNodeConfig(apiEnv);
  await ensureWebBuild(say).catch((err: Error) =>
    say(`web: not built (${err.message}); serving the API only`),
  );
  const api = await startNodeServer({ config, extend: withWebApp });
  stops.push(() => api.close());
  return {
    url: api.url,
    db: api.db,
    status: { name: 'api', url: api.url, note: `Node, libSQL ${config.databaseUrl}` },
  };
}

/**
 * The worker under `wrangler dev`, reaching the same database file through the local libSQL
 * HTTP server. The search indexer has no home in a worker, so it runs here, beside it.
 */
async function startEdgeApi(
  apiEnv: Record<string, string | undefined>,
  base: NodeConfig,
  secrets: Secrets,
  stops: Array<() => Promise<void>>,
  say: (line: string) => void,
): Promise<StartedApi> {
  const config = readNodeConfig(apiEnv);
  if (!config.databaseUrl.startsWith('file:')) {
    throw new Error('the edge stack serves a local database file; unset STEK_DATABASE_URL');
  }
  const db = await openDatabase({ url: config.databaseUrl });
  stops.push(() => db.close());
  const libsql = await startHranaServer({
    dbPath: config.databaseUrl.slice('file:'.length),
    authToken: secrets.libsqlToken,
    port: port(apiEnv.STEK_LIBSQL_PORT),
  });
  stops.push(() => libsql.stop());
  const vars: Record<string, string> = {
    LIBSQL_URL: libsql.url,
    LIBSQL_AUTH_TOKEN: secrets.libsqlToken,
  };
  for (const name of edgeEnvNames) {
    const value = apiEnv[name];
    if (value !== undefined && !(name in vars)) vars[name] = value;
  }
  say('edge: bundling the worker and starting wrangler dev…');
  const worker = await startWorkerd({ vars, port: base.port });
  stops.push(() => worker.stop());
  if (config.search) {
    const origin = createSearchOriginClient({
      url: config.search.url,
      secret: config.search.secret,
    });
    const indexer = createSearchIndexer({ db, origin });
    indexer.start({ intervalMs: 1_000 });
    stops.push(() => indexer.stop());
  }
  return {
    url: worker.url,
    db,
    status: { name: 'api', url: worker.url, note: `workerd, libSQL over HTTP ${libsql.url}` },
  };
}

/**
 * The search origin of a local stack running on this data directory, if one is: its URL from
 * `running.json` and the secret from `secrets.json`.
 */
export function findRunningSearchOrigin(dataDir: string): { url: string; secret: string } | null {
  try {
    const running = JSON.parse(readFileSync(join(dataDir, 'running.json'), 'utf8')) as {
      pid: number;
      services: ServiceStatus[];
    };
    process.kill(running.pid, 0); // throws when the stack is gone
    const url = running.services.find((s) => s.name === 'search')?.url;
    const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as Secrets;
    return url ? { url, secret: secrets.searchSecret } : null;
  } catch {
    // No stack here, or one that stopped without cleaning up: nothing to find.
    return null;
  }
}
