import { describe, expect, it } from 'vitest';
import { startDeno } from '../../src/dev/deno.ts';

describe('the Deno entry at start-up', () => {
  it('refuses to start without LIBSQL_URL, naming it', async () => {
    const failure = await startDeno({ env: {}, readyTimeoutMs: 20_000 }).then(
      async (server) => {
        await server.stop();
        return null;
      },
      (err: Error) => err,
    );
    expect(failure?.message).toMatch(/exited during start-up/);
    expect(failure?.message).toContain('LIBSQL_URL is not set');
  });

  it('refuses a malformed rate limit, naming the variable', async () => {
    const env = { LIBSQL_URL: 'http://127.0.0.1:9', STEK_RATE_LIMIT_READ: 'many' };
    const failure = await startDeno({ env, readyTimeoutMs: 20_000 }).catch((err: Error) => err);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain('STEK_RATE_LIMIT_READ must be');
  });
});
