import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHranaServer, type HranaServerOptions } from '../../src/dev/hrana/index.ts';

/** A server over a fresh database file in its own temporary folder. */
export interface TestHranaServer {
  url: string;
  dbPath: string;
  stop(): Promise<void>;
}

/** Starts a server on a free port; `stop()` also deletes the database folder. */
export async function startTestHranaServer(
  options: Omit<HranaServerOptions, 'dbPath'> = {},
): Promise<TestHranaServer> {
  const dir = mkdtempSync(join(tmpdir(), 'stek-hrana-'));
  const dbPath = join(dir, 'test.db');
  const server = await startHranaServer({ ...options, dbPath, port: 0 });
  return {
    url: server.url,
    dbPath,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Posts a raw Hrana JSON body and returns the status and parsed body. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}
