import { resolve } from 'node:path';
import { z } from 'zod';

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
});

export type NodeConfig = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  databaseAuthToken?: string;
  log: 'json' | 'pretty' | 'silent';
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
  const dataDir = resolve(e.STEK_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.STEK_DATABASE_URL ?? `file:${resolve(dataDir, 'stek.db')}`,
    databaseAuthToken: e.STEK_DATABASE_AUTH_TOKEN,
    log: e.STEK_LOG,
  };
}
