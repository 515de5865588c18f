import { z } from 'zod';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8790),
  HOST: z.string().min(1).default('127.0.0.1'),
  SOLR_URL: z.url().default('http://127.0.0.1:8983/solr'),
  SOLR_CORE: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('messages'),
  SEARCH_ORIGIN_SECRET: z.string().min(16, 'at least 16 characters'),
  SEARCH_COMMIT_WITHIN_MS: z.coerce.number().int().min(50).max(1000).default(500),
  SEARCH_LOG: z.enum(['json', 'silent']).default('json'),
});

export interface OriginConfig {
  port: number;
  host: string;
  solrUrl: string;
  solrCore: string;
  secret: string;
  commitWithinMs: number;
  log: 'json' | 'silent';
}

/** The environment is unusable; the message names every bad variable. */
export class OriginConfigError extends Error {
  override name = 'OriginConfigError';
}

/** Reads and checks the origin's configuration at start-up. */
export function readOriginConfig(env: Record<string, string | undefined>): OriginConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new OriginConfigError(`invalid search origin configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    solrUrl: e.SOLR_URL,
    solrCore: e.SOLR_CORE,
    secret: e.SEARCH_ORIGIN_SECRET,
    commitWithinMs: e.SEARCH_COMMIT_WITHIN_MS,
    log: e.SEARCH_LOG,
  };
}
