// Shared by the runtime projects' global setups (Node side, not part of the HTTP-only suite).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser, issueToken } from '../../src/chat/users.ts';
import { openDatabase } from '../../src/db/node.ts';
import { startHranaServer } from '../../src/dev/hrana/index.ts';
import { startRedisServer } from '../../src/dev/redis-server.ts';
import { startUpstashEndpoint } from '../../src/dev/upstash-endpoint/index.ts';

/**
 * The admin creates a hundred or so users per run through POST /v1/users, which spends the small
 * `auth` budget; every runtime gets the same larger one, and the other budgets stay as shipped.
 */
export const contractRateLimitAuth = '100000/60s';

/** What an edge runtime is pointed at: a seeded database over HTTP and an Upstash endpoint. */
export interface EdgeServices {
  /** The Hrana server's URL, for `LIBSQL_URL`. */
  url: string;
  /** The Hrana server's bearer token, for `LIBSQL_AUTH_TOKEN`. */
  authToken: string;
  /** An API token of the seeded admin. */
  adminToken: string;
  /** The variables to start the worker or the Deno entry with. */
  env: Record<string, string>;
  /** Stops every server and removes the temp directory. */
  stop(): Promise<void>;
}

/** A fresh temp directory and a function removing it. */
export function makeTempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Migrates a new database file, creates the admin directly, serves the file over libSQL HTTP
 * (Hrana, with a token) and starts redis-server behind the local Upstash endpoint.
 */
export async function startEdgeServices(prefix: string): Promise<EdgeServices> {
  const temp = makeTempDir(prefix);
  const dbPath = join(temp.dir, 'stek.db');
  const db = await openDatabase({ url: `file:${dbPath}` });
  let adminToken: string;
  try {
    const chat = { db, now: Date.now };
    const admin = await createUser(chat, { name: 'admin', isAdmin: true });
    adminToken = (await issueToken(chat, admin.id, 'contract tests')).token;
  } finally {
    await db.close();
  }
  const authToken = `hrana-${crypto.randomUUID()}`;
  const kvToken = `kv-${crypto.randomUUID()}`;
  const hrana = await startHranaServer({ dbPath, port: 0, authToken });
  const redis = await startRedisServer({ port: 0 }).catch(async (err) => {
    await hrana.stop();
    throw err;
  });
  const kv = await startUpstashEndpoint({ redisPort: redis.port, token: kvToken, port: 0 });
  return {
    url: hrana.url,
    authToken,
    adminToken,
    env: {
      LIBSQL_URL: hrana.url,
      LIBSQL_AUTH_TOKEN: authToken,
      UPSTASH_REDIS_REST_URL: kv.url,
      UPSTASH_REDIS_REST_TOKEN: kvToken,
      STEK_RATE_LIMIT_AUTH: contractRateLimitAuth,
    },
    async stop() {
      await kv.stop();
      await redis.stop();
      await hrana.stop();
      temp.remove();
    },
  };
}
