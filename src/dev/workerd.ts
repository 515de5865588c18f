// Runs the worker under `wrangler dev` (local mode, offline) for the tests, benchmarks and the
// local edge stack. Node-only dev tooling.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ansiPattern, signalGroup, stopGroup } from './processes.ts';

/** The repository root, where wrangler.toml and node_modules live. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What {@link startProcessGroup} starts. */
export interface ProcessGroupOptions {
  /** Shown in errors, e.g. `wrangler dev`. */
  label: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** Matched against each output line with ANSI colours removed; group 1 is the URL. */
  ready: RegExp;
  readyTimeoutMs: number;
  /** Every output line, for the caller to log; nothing is printed otherwise. */
  onOutput?: (line: string) => void;
}

/** A child process leading its own process group, serving at `url`. */
export interface ProcessGroup {
  url: string;
  /** SIGTERM to the whole group, SIGKILL after a grace period; resolves once the leader exited. */
  stop(): Promise<void>;
}

/**
 * Spawns a long-running CLI as the leader of a new process group and waits for the line that
 * says where it listens. Stopping signals the group, because the CLIs spawn the runtime as a
 * grandchild that would otherwise keep the port.
 */
export async function startProcessGroup(options: ProcessGroupOptions): Promise<ProcessGroup> {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  let onLine: (line: string) => void = () => undefined;
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop()!;
      for (const raw of lines) {
        const line = raw.replace(ansiPattern, '').trimEnd();
        tail = `${tail}${line}\n`.slice(-4_000);
        options.onOutput?.(line);
        onLine(line);
      }
    });
  }

  // If this process ends without calling stop(), leave no runtime behind on the port.
  const killOnExit = () => signalGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  async function stop(): Promise<void> {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) {
      signalGroup(child, 'SIGKILL');
      return;
    }
    await stopGroup(child);
  }

  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`not ready after ${options.readyTimeoutMs} ms`)),
        options.readyTimeoutMs,
      );
      onLine = (line) => {
        const match = options.ready.exec(line);
        if (match?.[1]) {
          clearTimeout(timer);
          resolveUrl(match[1].replace(/\/$/, ''));
        }
      };
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`exited during start-up (${signal ?? `code ${code}`})`));
      });
    });
    onLine = () => undefined;
    return { url, stop };
  } catch (error) {
    await stop();
    const detail = tail.trim() ? `\n${tail.trim()}` : '';
    throw new Error(`could not start ${options.label}: ${String(error)}${detail}`, {
      cause: error,
    });
  }
}

/** Options of {@link startWorkerd}. */
export interface StartWorkerdOptions {
  /** Bindings for the worker (`LIBSQL_URL`, `LIBSQL_AUTH_TOKEN`, …); see wrangler.toml. */
  vars: Record<string, string>;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Interface to listen on; 127.0.0.1 by default. */
  host?: string;
  /** The wrangler config; the project's wrangler.toml by default. */
  configPath?: string;
  /** How long to wait for `Ready on` after the bundle is built; 60 s by default. */
  readyTimeoutMs?: number;
  onOutput?: (line: string) => void;
}

/** A running `wrangler dev`. */
export interface WorkerdServer {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  stop(): Promise<void>;
}

/** The wrangler CLI script installed in node_modules. */
export function resolveWranglerBin(): string {
  const require = createRequire(join(projectRoot, 'package.json'));
  return join(dirname(require.resolve('wrangler/package.json')), 'bin', 'wrangler.js');
}

/** Runs a wrangler command to completion, failing with its output. */
function runWrangler(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [resolveWranglerBin(), ...args], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolveRun();
      else
        reject(
          new Error(`wrangler ${args[0]} exited with ${code}:\n${output.replace(ansiPattern, '')}`),
        );
    });
  });
}

/**
 * Starts the worker under `wrangler dev` in local mode: workerd on this machine, no account,
 * no telemetry. It first bundles the worker exactly as `wrangler deploy` would (`--dry-run`)
 * and serves that bundle unbundled, so what runs is what ships, and edits to the source tree
 * while it runs do not restart it mid-request. Bindings go through a private env file in a
 * temp directory (not the command line, where `ps` shows them), which also keeps a developer's
 * own `.dev.vars` out of it.
 */
export async function startWorkerd(options: StartWorkerdOptions): Promise<WorkerdServer> {
  const dir = mkdtempSync(join(tmpdir(), 'stek-workerd-'));
  const envFile = join(dir, 'worker.env');
  const lines = Object.entries(options.vars).map(
    ([key, value]) => `${key}=${JSON.stringify(value)}`,
  );
  writeFileSync(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  chmodSync(envFile, 0o600);
  const configPath = options.configPath ?? join(projectRoot, 'wrangler.toml');
  const env = {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    // Wrangler would otherwise write its debug logs into the home directory.
    WRANGLER_LOG_PATH: join(dir, 'logs'),
  };

  // prettier-ignore
  const args = [
    resolveWranglerBin(), 'dev', join(dir, 'dist', 'worker.js'),
    '--no-bundle',
    '--config', configPath,
    '--ip', options.host ?? '127.0.0.1',
    '--port', String(options.port ?? 0),
    '--env-file', envFile,
    '--persist-to', join(dir, 'state'),
    '--inspector-port', '0',
    '--show-interactive-dev-session=false',
    '--live-reload=false',
    '--log-level', 'info',
  ];
  try {
    await runWrangler(
      ['deploy', '--dry-run', '--config', configPath, '--outdir', join(dir, 'dist')],
      env,
    );
    const group = await startProcessGroup({
      label: 'wrangler dev',
      command: process.execPath,
      args,
      cwd: projectRoot,
      env,
      ready: /Ready on (https?:\/\/\S+)/,
      readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
      onOutput: options.onOutput,
    });
    return {
      url: group.url,
      async stop() {
        await group.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
