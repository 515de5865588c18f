import { resolve } from 'node:path';
import { z } from 'zod';
import { defaultRateRules, RateRuleSchema } from '../lib/rate-rule.ts';
import { readRealtimeConfig, type RealtimeConfig } from '../realtime/config.ts';

const RateRule = RateRuleSchema;

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  STEK_DATA_DIR: z.string().min(1).default('./.stek'),
  STEK_DATABASE_URL: z
    .string()
    .regex(/^(file:|libsql:|https?:|wss?:)/, 'must start with file:, libsql:, http(s): or ws(s):')
    .optional(),
  STEK_DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
  STEK_LOG: z.enum(['json', 'pretty', 'silent']).default('json'),
  UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/ }).optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  STEK_KV: z.enum(['auto', 'memory', 'off']).default('auto'),
  STEK_KV_TIMEOUT_MS: z.coerce.number().int().min(1).max(10_000).default(200),
  STEK_RATE_LIMIT_POST: RateRule.prefault(defaultRateRules.post),
  STEK_RATE_LIMIT_READ: RateRule.prefault(defaultRateRules.read),
  STEK_RATE_LIMIT_SEARCH: RateRule.prefault(defaultRateRules.search),
  STEK_RATE_LIMIT_AUTH: RateRule.prefault(defaultRateRules.auth),
  SEARCH_ORIGIN_URL: z.url({ protocol: /^https?$/ }).optional(),
  SEARCH_ORIGIN_SECRET: z.string().min(16).optional(),
});

export type RateRuleConfig = { limit: number; windowMs: number } | null;

export type NodeConfig = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  databaseAuthToken?: string;
  log: 'json' | 'pretty' | 'silent';
  /** Live channels; null when REALTIME_HOST is unset. */
  realtime: RealtimeConfig | null;
  /** The search origin; null when SEARCH_ORIGIN_URL is unset. */
  search: { url: string; secret: string } | null;
  kv: {
    /** `off` runs without rate limits, idempotency replay and the token cache (benchmarks). */
    mode: 'auto' | 'memory' | 'off';
    /** Upstash REST endpoint; absent means the in-process store. */
    url?: string;
    token?: string;
    timeoutMs: number;
    limits: {
      post: RateRuleConfig;
      read: RateRuleConfig;
      search: RateRuleConfig;
      auth: RateRuleConfig;
    };
  };
};

/** Thrown when the environment is unusable; names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and checks the Node entry's configuration, failing with the variable's name. */
export function readNodeConfig(env: Record<string, string | undefined>): NodeConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.UPSTASH_REDIS_REST_URL && !e.UPSTASH_REDIS_REST_TOKEN) {
    throw new ConfigError(
      'invalid configuration:\n  UPSTASH_REDIS_REST_TOKEN: required with UPSTASH_REDIS_REST_URL',
    );
  }
  if (e.SEARCH_ORIGIN_URL && !e.SEARCH_ORIGIN_SECRET) {
    throw new ConfigError(
      'invalid configuration:\n  SEARCH_ORIGIN_SECRET: required with SEARCH_ORIGIN_URL',
    );
  }
  let realtime: RealtimeConfig | null;
  try {
    realtime = readRealtimeConfig(env);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const dataDir = resolve(e.STEK_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.STEK_DATABASE_URL ?? `file:${resolve(dataDir, 'stek.db')}`,
    databaseAuthToken: e.STEK_DATABASE_AUTH_TOKEN,
    log: e.STEK_LOG,
    realtime,
    search: e.SEARCH_ORIGIN_URL
      ? { url: e.SEARCH_ORIGIN_URL, secret: e.SEARCH_ORIGIN_SECRET! }
      : null,
    kv: {
      mode: e.STEK_KV,
      url: e.UPSTASH_REDIS_REST_URL,
      token: e.UPSTASH_REDIS_REST_TOKEN,
      timeoutMs: e.STEK_KV_TIMEOUT_MS,
      limits: {
        post: e.STEK_RATE_LIMIT_POST,
        read: e.STEK_RATE_LIMIT_READ,
        search: e.STEK_RATE_LIMIT_SEARCH,
        auth: e.STEK_RATE_LIMIT_AUTH,
      },
    },
  };
}
