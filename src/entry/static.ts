// Serves the built web app (web/dist) from the Node entry. Workers serve the same files as static
// assets (wrangler.toml [assets]); this is the Node counterpart. Node-only.
import type { AppDeps } from '../routes/env.ts';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Answers a GET for a file of the web app, or null when it is not one (the API's 404 follows). */
export type StaticAssets = (request: Request) => Promise<Response | null>;

export interface StaticAssetsOptions {
  /** The built app: a directory with index.html and assets/. */
  dir: string;
}

/** Where `npm run build:web` puts the app. */
export const defaultWebDist = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

// The page loads only its own files and talks to its own API; live rooms are on another host
// (the realtime ticket names it), so sockets may go anywhere.
const pagePolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss: http: https:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Whether the web app has been built into `dir`. */
export function hasWebBuild(dir: string = defaultWebDist): boolean {
  return existsSync(join(dir, 'index.html'));
}

/**
 * Builds the web app into web/dist unless it is there already (what `npm run build:web` does).
 * Vite is a development dependency, loaded only when a build is needed; returns whether it built.
 */
export async function ensureWebBuild(say: (line: string) => void): Promise<boolean> {
  if (hasWebBuild()) return false;
  say('web: building the app into web/dist…');
  const { build } = await import('vite');
  await build({
    configFile: resolve(defaultWebDist, '../vite.config.ts'),
    logLevel: 'warn',
  });
  return true;
}

/**
 * Serves files from `dir`; any other GET for a page (no file extension, and a browser navigation
 * or an `Accept` naming HTML) gets index.html, so a deep link still loads the app. Hashed files
 * under /assets/ are cached for a year, everything else revalidates.
 */
export function createStaticAssets(options: StaticAssetsOptions): StaticAssets {
  const root = resolve(options.dir);

  async function readAsset(path: string): Promise<{ body: Buffer; type: string } | null> {
    const file = resolve(root, `.${path}`);
    if (file !== root && !file.startsWith(root + sep)) return null;
    try {
      if (!(await stat(file)).isFile()) return null;
      const type = contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
      return { body: await readFile(file), type };
    } catch {
      return null; // Missing or unreadable: not an asset.
    }
  }

  function respond(asset: { body: Buffer; type: string }, path: string, head: boolean) {
    const headers = new Headers({
      'content-type': asset.type,
      'content-length': String(asset.body.byteLength),
      'x-content-type-options': 'nosniff',
      'cache-control': path.startsWith('/assets/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
    if (asset.type.startsWith('text/html')) {
      headers.set('content-security-policy', pagePolicy);
      headers.set('referrer-policy', 'no-referrer');
    }
    return new Response(head ? null : new Uint8Array(asset.body), { status: 200, headers });
  }

  return async function serveStaticAsset(request: Request): Promise<Response | null> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return null;
    const head = request.method === 'HEAD';
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url).pathname);
    } catch {
      return null; // A malformed escape is no file of ours.
    }
    // `_headers` is the Workers static-assets header config, not a file for browsers.
    if (path.includes('\0') || path === '/_headers') return null;

    const direct = path.endsWith('/') ? null : await readAsset(path);
    if (direct) return respond(direct, path, head);

    // Only a browser opening a page gets index.html; an API client asking for a path that is
    // not there still gets the JSON 404.
    const wantsPage =
      path === '/' ||
      (extname(path) === '' &&
        (request.headers.get('sec-fetch-mode') === 'navigate' ||
          (request.headers.get('accept') ?? '').includes('text/html')));
    if (!wantsPage) return null;
    const index = await readAsset('/index.html');
    return index ? respond(index, '/index.html', head) : null;
  };
}

/** Adds the built web app (when there is one) to the API's dependencies; for `extend`. */
export function withWebApp(deps: AppDeps): AppDeps {
  return hasWebBuild()
    ? { ...deps, staticAssets: createStaticAssets({ dir: defaultWebDist }) }
    : deps;
}
