import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, LibsqlError } from '@libsql/client/web';
import { postJson, startTestHranaServer, type TestHranaServer } from './hrana-server.ts';

const token = 'dev-token-123';
let server: TestHranaServer;

beforeAll(async () => {
  server = await startTestHranaServer({ authToken: token });
});

afterAll(async () => {
  await server?.stop();
});

const selectOne = { requests: [{ type: 'execute', stmt: { sql: 'SELECT 1' } }, { type: 'close' }] };

describe('bearer token', () => {
  it('serves a client that sends the token', async () => {
    const client = createClient({ url: server.url, authToken: token });
    try {
      const result = await client.execute('SELECT 7 AS seven');
      expect(result.rows[0]?.seven).toBe(7);
    } finally {
      client.close();
    }
  });

  it('refuses a client with a wrong token with HTTP 401', async () => {
    const client = createClient({ url: server.url, authToken: 'wrong' });
    try {
      const error = await client.execute('SELECT 1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LibsqlError);
      expect((error as LibsqlError).message).toMatch(/HTTP status 401/);
    } finally {
      client.close();
    }
  });

  it('refuses requests without a token and answers the version probe without one', async () => {
    const refused = await postJson(`${server.url}/v2/pipeline`, selectOne);
    expect(refused.status).toBe(401);
    const probe = await fetch(`${server.url}/v3`);
    expect(probe.status).toBe(200);
    const accepted = await postJson(`${server.url}/v2/pipeline`, selectOne, {
      authorization: `Bearer ${token}`,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.results[0].type).toBe('ok');
  });
});
