import { describe, expect, it } from 'vitest';
import { readEdgeConfig } from '../../src/entry/worker.ts';

// The worker and the Deno entry share this check; it runs on Node here as plain logic.
describe('the edge configuration', () => {
  it('needs only LIBSQL_URL, and treats empty values as unset', () => {
    const result = readEdgeConfig({
      LIBSQL_URL: 'https://db.example.test',
      UPSTASH_REDIS_REST_URL: '',
      REALTIME_HOST: '',
      SEARCH_ORIGIN_URL: '',
    });
    expect(result).toEqual({
      ok: true,
      config: {
        libsql: { url: 'https://db.example.test', authToken: undefined },
        realtime: null,
        search: null,
        kv: null,
        bodyLimitBytes: undefined,
      },
    });
  });

  it('names every missing or malformed variable at once', () => {
    const result = readEdgeConfig({
      LIBSQL_URL: 'file:stek.db',
      UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1',
      SEARCH_ORIGIN_URL: 'http://127.0.0.1:2',
      SEARCH_ORIGIN_SECRET: 'short',
      STEK_RATE_LIMIT_POST: 'lots',
      REALTIME_HOST: 'http://127.0.0.1:1999',
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual([
      'LIBSQL_URL must be an http(s):// or libsql:// URL',
      'SEARCH_ORIGIN_SECRET must be at least 16 characters',
      "STEK_RATE_LIMIT_POST must be 'N/window' like 300/60s, or 'off'",
      'REALTIME_SECRET required with REALTIME_HOST',
    ]);
  });

  it('reports an absent LIBSQL_URL by name', () => {
    expect(readEdgeConfig({})).toEqual({ ok: false, problems: ['LIBSQL_URL is not set'] });
  });

  it('turns the Upstash pair and the rate limits into the key-value settings', () => {
    const result = readEdgeConfig({
      LIBSQL_URL: 'libsql://db.example.test',
      LIBSQL_AUTH_TOKEN: 'tok',
      UPSTASH_REDIS_REST_URL: 'https://kv.example.test',
      UPSTASH_REDIS_REST_TOKEN: 'kv-token',
      STEK_RATE_LIMIT_READ: 'off',
      STEK_RATE_LIMIT_AUTH: '5/2m',
    });
    expect(result.ok && result.config.kv).toEqual({
      url: 'https://kv.example.test',
      token: 'kv-token',
      timeoutMs: 200,
      limits: {
        post: { limit: 300, windowMs: 60_000 },
        read: null,
        search: { limit: 120, windowMs: 60_000 },
        auth: { limit: 5, windowMs: 120_000 },
      },
    });
  });

  it('refuses an Upstash URL without its token', () => {
    const result = readEdgeConfig({
      LIBSQL_URL: 'https://db.example.test',
      UPSTASH_REDIS_REST_URL: 'https://kv.example.test',
    });
    expect(result).toEqual({
      ok: false,
      problems: ['UPSTASH_REDIS_REST_TOKEN is required with UPSTASH_REDIS_REST_URL'],
    });
  });
});
