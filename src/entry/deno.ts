// The API on Deno, for `deno serve`: the same app and the same variables as the worker (see
// wrangler.toml), read from the process environment once at start-up.
//
//   LIBSQL_URL=http://127.0.0.1:8080 LIBSQL_AUTH_TOKEN=… \
//     deno serve --node-modules-dir=manual --no-lock --host 127.0.0.1 --port 8000 \
//       --allow-net --allow-env --allow-read src/entry/deno.ts
import type { App, LogFn } from '../routes/env.ts';
import { createEdgeApp, edgeEnvNames, readEdgeConfig } from './worker.ts';
import { defaultBodyLimitBytes } from '../app.ts';
import { fetchDrainingRefusedBodies } from '../lib/request-body.ts';

// Only the part of the Deno namespace this entry touches; the project type-checks for Node.
declare const Deno: {
  env: { get(name: string): string | undefined };
};

/** Thrown at start-up when the environment is unusable; the message names every bad variable. */
export class DenoConfigError extends Error {
  override name = 'DenoConfigError';
}

/** Builds the app from an environment record, or throws {@link DenoConfigError}. */
export function createDenoApp(env: Record<string, string | undefined>, log?: LogFn): App {
  const result = readEdgeConfig(env);
  if (!result.ok) {
    throw new DenoConfigError(`invalid configuration:\n  ${result.problems.join('\n  ')}`);
  }
  // Deno lets any request's code finish another's I/O: the shared write queue may group commits.
  return createEdgeApp(result.config, { log, requestBoundIo: false });
}

function readDenoEnv(): Record<string, string | undefined> {
  // Asking for each name (rather than the whole environment) lets `--allow-env` list them.
  return Object.fromEntries(edgeEnvNames.map((name) => [name, Deno.env.get(name)]));
}

const log: LogFn = (entry) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), ...entry }));

const env = readDenoEnv();
const app = createDenoApp(env, log);
// readEdgeConfig has checked BODY_LIMIT_BYTES already.
const bodyLimit = env.BODY_LIMIT_BYTES ? Number(env.BODY_LIMIT_BYTES) : defaultBodyLimitBytes;

export default {
  fetch: (request: Request) =>
    fetchDrainingRefusedBodies((sized) => app.fetch(sized), request, bodyLimit),
};
