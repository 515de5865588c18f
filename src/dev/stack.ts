// The local stack behind `npm start`: Redis behind the local Upstash endpoint, `partykit dev`,
// Solr with the search origin, and the API, each on a free or configured port. Node-only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSearchOrigin } from '../../origin-search/src/server.ts';
import { startSolr } from '../../origin-search/solr/launcher.ts';
import { readNodeConfig } from '../entry/config.ts';
import { startNodeServer, type NodeServer } from '../entry/node.ts';
import { toHex } from '../lib/crypto.ts';
import { startPartykitDev } from './partykit.ts';
import { findRedisServer, startRedisServer } from './redis-server.ts';
import { startUpstashEndpoint } from './upstash-endpoint/index.ts';

export interface LocalStackOptions {
  /** The environment to read ports, the data directory and overrides from. */
  env: Record<string, string | undefined>;
  /** Progress and warnings for the person watching. */
  say: (line: string) => void;
}

export interface ServiceStatus {
  name: string;
  url: string | null;
  note: string;
}

export interface LocalStack {
  api: NodeServer;
  services: ServiceStatus[];
  stop(): Promise<void>;
}

interface Secrets {
  kvToken: string;
  realtimeSecret: string;
  searchSecret: string;
}

const randomSecret = () => toHex(crypto.getRandomValues(new Uint8Array(24)));

/** Secrets shared between the local services; kept in the data directory across restarts. */
function loadSecrets(dataDir: string): Secrets {
  const path = join(dataDir, 'secrets.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as Secrets;
  const secrets = {
    kvToken: randomSecret(),
    realtimeSecret: randomSecret(),
    searchSecret: randomSecret(),
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

    const api = await startNodeServer({ config: readNodeConfig(apiEnv) });
    stops.push(() => api.close());
    services.unshift({ name: 'api', url: api.url, note: `libSQL ${base.databaseUrl}` });
    return {
      api,
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
