// Runs the API on Deno (`deno serve src/entry/deno.ts`) for the tests, benchmarks and the local
// edge stack, with the Deno binary from the `deno` npm package. Node-only dev tooling.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { edgeEnvNames } from '../entry/worker.ts';
import { projectRoot, startProcessGroup } from './workerd.ts';

/** Options of {@link startDeno}. */
export interface StartDenoOptions {
  /** The entry's variables (`LIBSQL_URL`, …; the worker's binding names). Nothing else is passed. */
  env: Record<string, string>;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Interface to listen on; 127.0.0.1 by default. */
  host?: string;
  /** The Deno executable; the one installed by the `deno` npm package by default. */
  denoPath?: string;
  /**
   * Hosts the process may listen on and connect to. By default the listening host plus the host
   * of every URL in `env` (the database, realtime, search), and nothing else.
   */
  allowNet?: string[];
  /** How long to wait for `Listening on`; 30 s by default. */
  readyTimeoutMs?: number;
  onOutput?: (line: string) => void;
}

/** A running `deno serve`. */
export interface DenoServer {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  stop(): Promise<void>;
}

function platformPackage(): string {
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  if (process.platform === 'linux') return `@deno/linux-${arch}-glibc`;
  if (process.platform === 'darwin') return `@deno/darwin-${arch}`;
  return `@deno/win32-${arch}`;
}

/**
 * Finds the Deno executable the `deno` npm package installed. The package's own `bin.cjs` is a
 * Node wrapper; running the binary directly means signals reach Deno itself.
 */
export function resolveDenoBinary(): string {
  const require = createRequire(join(projectRoot, 'package.json'));
  const exe = process.platform === 'win32' ? 'deno.exe' : 'deno';
  const candidates: string[] = [];
  try {
    candidates.push(join(dirname(require.resolve('deno/package.json')), exe));
  } catch {
    // The wrapper package is missing; the platform package may still be there.
  }
  try {
    candidates.push(join(dirname(require.resolve(`${platformPackage()}/package.json`)), exe));
  } catch {
    // Not installed for this platform.
  }
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error('the Deno binary was not found: run npm install (the deno dev dependency)');
  }
  return found;
}

function hostsOf(env: Record<string, string>, listenHost: string): string[] {
  const hosts = new Set([listenHost]);
  for (const value of Object.values(env)) {
    if (!/^(https?|wss?|libsql):\/\//.test(value)) continue;
    try {
      hosts.add(new URL(value).hostname);
    } catch {
      // Not a URL after all; the entry's own validation will name it.
    }
  }
  return [...hosts];
}

/**
 * Starts `deno serve` on the Deno entry with the least permissions it needs: network to the
 * listed hosts, and reading only the entry's own variables. No file access: the modules and the
 * project's node_modules are loaded by Deno's module loader, which needs no permission.
 */
export async function startDeno(options: StartDenoOptions): Promise<DenoServer> {
  const host = options.host ?? '127.0.0.1';
  const allowNet = options.allowNet ?? hostsOf(options.env, host);
  // prettier-ignore
  const args = [
    'serve',
    // Resolve npm imports from the project's node_modules (installed by npm), never a registry.
    '--node-modules-dir=manual',
    '--no-lock',
    '--no-prompt',
    '--host', host,
    '--port', String(options.port ?? 0),
    `--allow-net=${allowNet.join(',')}`,
    `--allow-env=${edgeEnvNames.join(',')}`,
    join(projectRoot, 'src/entry/deno.ts'),
  ];
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DENO_DIR: process.env.DENO_DIR,
    DENO_NO_UPDATE_CHECK: '1',
    NO_COLOR: '1',
    ...options.env,
  };
  const group = await startProcessGroup({
    label: 'deno serve',
    command: options.denoPath ?? resolveDenoBinary(),
    args,
    cwd: projectRoot,
    env,
    ready: /Listening on (https?:\/\/\S+)/,
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    onOutput: options.onOutput,
  });
  return { url: group.url, stop: group.stop };
}
