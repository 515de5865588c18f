import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/app.ts';

const bin = join(import.meta.dirname, '../../bin/stek.mjs');
let temp: ReturnType<typeof makeTempDir>;

beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.remove());

function stek(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, STEK_DATA_DIR: join(temp.dir, 'data'), ...env },
    encoding: 'utf8',
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('the stek CLI', () => {
  it('creates a user and prints a token that works, as JSON with --json', async () => {
    const res = stek(['user', 'create', 'ops', '--admin', '--json']);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.user).toMatchObject({ name: 'ops', isAdmin: true });
    expect(out.token).toMatchObject({
      token: expect.stringMatching(/^stek_/),
      userId: out.user.id,
    });

    const again = stek(['user', 'create', 'ops', '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).error.code).toBe('name_taken');

    const token = stek(['token', 'create', 'ops']);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/token for ops: stek_[0-9a-f]{64}/);

    const list = stek(['user', 'list', '--json']);
    expect(JSON.parse(list.stdout).users.map((u: { name: string }) => u.name)).toEqual(['ops']);
  });

  it('migrates a local database and says so', () => {
    const res = stek(['migrate', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: true });
  });

  it('refuses unknown commands and bad configuration with a clear message', () => {
    const unknown = stek(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const bad = stek(['migrate'], { PORT: 'eighty' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('PORT');
  });

  it('serves, creating the first admin on a new database, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--json'], {
      env: { ...process.env, STEK_DATA_DIR: join(temp.dir, 'data'), PORT: '0', STEK_LOG: 'silent' },
    });
    let stdout = '';
    const started = await new Promise<{ url: string; adminToken: string }>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        try {
          resolve(JSON.parse(stdout));
        } catch {
          // Not the whole document yet.
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const me = await fetch(`${started.url}/v1/me`, {
      headers: { authorization: `Bearer ${started.adminToken}` },
    });
    expect(await me.json()).toMatchObject({ name: 'admin', isAdmin: true });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
