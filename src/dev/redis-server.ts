// Starts a throwaway redis-server for the local stack and the tests. Node-only dev tooling.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { pickFreePort, waitForExit } from './processes.ts';
import { createRespClient } from './upstash-endpoint/resp-client.ts';

/** Options for {@link startRedisServer}. */
export interface StartRedisServerOptions {
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Working directory for redis; a fresh temporary one (removed on stop) when absent. */
  dataDir?: string;
  /** Path of the binary; looked up on PATH when absent. */
  binary?: string;
  /** How long to wait for the first PONG. */
  startTimeoutMs?: number;
}

/** A running redis-server. */
export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Returns the path of `redis-server` on PATH, or null when it is not installed. */
export function findRedisServer(pathList = process.env.PATH ?? ''): string | null {
  for (const dir of pathList.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; keep looking.
    }
  }
  return null;
}

async function waitForPong(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error('redis-server exited during start-up');
    const client = createRespClient({ port, connectTimeoutMs: 500 });
    try {
      const reply = await client.send(['PING']);
      if (reply === 'PONG') return;
    } catch {
      // Not listening yet.
    } finally {
      await client.close();
    }
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts redis-server bound to 127.0.0.1 with persistence off and waits until it answers PING.
 * Throws with install instructions when the binary is missing.
 */
export async function startRedisServer(
  options: StartRedisServerOptions = {},
): Promise<RedisServer> {
  const binary = options.binary ?? findRedisServer();
  if (!binary) {
    throw new Error(
      'redis-server was not found on PATH; ' +
        'install it (Debian/Ubuntu: apt-get install -y redis-server)',
    );
  }
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'stek-redis-'));
  const port = options.port ? options.port : await pickFreePort();

  // prettier-ignore
  const child = spawn(
    binary,
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--protected-mode', 'yes',
      '--save', '',
      '--appendonly', 'no',
      '--dir', dataDir,
      '--daemonize', 'no',
      '--logfile', '',
      '--loglevel', 'warning',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });

  // If this process ends without calling stop(), do not leave a daemon behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  async function stop(): Promise<void> {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = waitForExit(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  }

  try {
    await spawned;
    await waitForPong(port, child, options.startTimeoutMs ?? 10_000);
  } catch (error) {
    await stop();
    const detail = output.trim() ? `\n${output.trim()}` : '';
    throw new Error(`could not start redis-server on port ${port}: ${String(error)}${detail}`, {
      cause: error,
    });
  }

  return { port, url: `redis://127.0.0.1:${port}`, stop };
}
