// Starts `partykit dev` for the local stack, the tests and the benchmarks. Node-only dev tooling.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ansiPattern, stopGroup } from './processes.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Options for {@link startPartykitDev}. */
export interface StartPartykitDevOptions {
  /** Port on 127.0.0.1; 0 or absent lets partykit pick a free one. */
  port?: number;
  /** Where rooms keep their storage across restarts; a fresh temporary one (removed on stop) when absent. */
  persistDir?: string;
  /** The shared secret the rooms check tickets and API requests with (`REALTIME_SECRET`). */
  secret: string;
  /** Extra vars for the rooms, e.g. `{ REALTIME_BUFFER_SIZE: '50' }`. */
  vars?: Record<string, string>;
  /** The project config; the repo's partykit.json when absent. */
  configPath?: string;
  startTimeoutMs?: number;
  /** Called with each line partykit prints (ANSI codes removed), for debugging. */
  onOutput?: (line: string) => void;
}

/** A running `partykit dev`. */
export interface PartykitDev {
  port: number;
  /** `http://127.0.0.1:<port>`: give this to the publisher and to clients as the realtime host. */
  url: string;
  persistDir: string;
  /** Stops the whole process group (workerd included) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Writes the project config with `vars` merged in and `main` made absolute, readable by us only. */
function writePrivateConfig(source: string, dir: string, vars: Record<string, string>): string {
  const config = JSON.parse(readFileSync(source, 'utf8')) as { main?: string; vars?: object };
  const main = config.main ? resolve(dirname(source), config.main) : undefined;
  const path = join(dir, 'partykit.json');
  writeFileSync(path, JSON.stringify({ ...config, main, vars: { ...config.vars, ...vars } }), {
    mode: 0o600,
  });
  return path;
}

/**
 * Starts `partykit dev` on 127.0.0.1 with update checks and outbound fetches off, and resolves once
 * it prints `Ready on http://…:PORT`. The process runs in its own group so `stop` also ends workerd.
 */
export async function startPartykitDev(options: StartPartykitDevOptions): Promise<PartykitDev> {
  const ownDir = options.persistDir === undefined;
  const persistDir = options.persistDir ?? mkdtempSync(join(tmpdir(), 'stek-partykit-'));
  const vars = { ...options.vars, REALTIME_SECRET: options.secret };
  // The vars (the secret among them) go in a private copy of the config rather than on the
  // command line, where every user of the machine could read them in `ps`.
  const configDir = mkdtempSync(join(tmpdir(), 'stek-partykit-config-'));
  const configPath = writePrivateConfig(
    options.configPath ?? join(repoRoot, 'partykit.json'),
    configDir,
    vars,
  );
  const args = [
    join(repoRoot, 'node_modules/partykit/dist/bin.mjs'),
    'dev',
    '--no-hotkeys',
    '--disable-request-cf-fetch',
    '--port',
    String(options.port ?? 0),
    '--persist',
    persistDir,
    '--config',
    configPath,
  ];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_UPDATE_NOTIFIER: '1', PARTYKIT_TELEMETRY: '0', CI: '1' },
  });

  let output = '';
  let stopped = false;
  const ready = new Promise<number>((resolveReady, reject) => {
    let partial = '';
    const onChunk = (chunk: Buffer) => {
      partial += chunk.toString('utf8').replace(ansiPattern, '');
      const lines = partial.split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) {
        output = `${output}${line}\n`.slice(-4_000);
        options.onOutput?.(line);
        const match = /Ready on https?:\/\/[^\s:]+:(\d+)/.exec(line);
        if (match) resolveReady(Number(match[1]));
      }
    };
    child.stdout?.on('data', onChunk);
    child.stderr?.on('data', onChunk);
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`partykit dev exited during start-up (${signal ?? code})`)),
    );
  });

  async function stop(): Promise<void> {
    if (!stopped) {
      stopped = true;
      await stopGroup(child);
    }
    if (ownDir) rmSync(persistDir, { recursive: true, force: true });
    rmSync(configDir, { recursive: true, force: true });
  }

  let timer: NodeJS.Timeout | undefined;
  try {
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no "Ready on" line within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const port = await Promise.race([ready, timeout]);
    return { port, url: `http://127.0.0.1:${port}`, persistDir, stop };
  } catch (error) {
    await stop();
    const detail = output.trim() ? `\n${output.trim()}` : '';
    throw new Error(`could not start partykit dev: ${String(error)}${detail}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
