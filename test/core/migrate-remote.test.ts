import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHranaServer } from '../../src/dev/hrana/index.ts';
import { countCommittedMigrations, makeTempDir } from '../helpers/app.ts';

const bin = join(import.meta.dirname, '../../bin/stek.mjs');
let temp: ReturnType<typeof makeTempDir>;
let server: Awaited<ReturnType<typeof startHranaServer>>;

beforeAll(async () => {
  temp = makeTempDir();
  server = await startHranaServer({ dbPath: join(temp.dir, 'remote.db'), authToken: 'secret-tk' });
});
afterAll(async () => {
  await server.stop();
  temp.remove();
});

// Asynchronous on purpose: the server answering it runs in this process.
function migrate(args: string[]): Promise<{ status: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, 'migrate', '--json', ...args],
      { env: { ...process.env, STEK_DATA_DIR: join(temp.dir, 'local') }, timeout: 30_000 },
      (err, stdout) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout }),
    );
  });
}

describe('stek migrate against a remote libSQL server', () => {
  it('creates the schema over HTTP, and a second run changes nothing', async () => {
    const first = await migrate(['--url', server.url, '--auth-token', 'secret-tk']);
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true });
    const again = await migrate(['--url', server.url, '--auth-token', 'secret-tk']);
    expect(again.status).toBe(0);

    const client = createClient({ url: server.url, authToken: 'secret-tk' });
    const tables = await client.execute("select name from sqlite_master where type = 'table'");
    const names = tables.rows.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['users', 'channels', 'messages', 'events']));
    const applied = await client.execute('select count(*) as n from __drizzle_migrations');
    expect(Number(applied.rows[0]!.n)).toBe(countCommittedMigrations());
    client.close();
  });

  it('fails clearly with a wrong token', async () => {
    const res = await migrate(['--url', server.url, '--auth-token', 'nope']);
    expect(res.status).toBe(1);
    expect(JSON.parse(res.stdout).error.message).toMatch(/401|auth|unauthori/i);
  });
});
