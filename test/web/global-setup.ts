// The web suite's servers: the app built by Vite into a temporary directory, Solr with the search
// origin, `partykit dev`, and the Node API serving the built app, all on free ports. A small
// control server lets a test restart `partykit dev` (same port, same storage, same secret).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { startSearchOrigin } from '../../origin-search/src/server.ts';
import { startSolr, type RunningSolr } from '../../origin-search/solr/launcher.ts';
import { ensureFirstAdmin } from '../../src/cli/commands/serve.ts';
import { startPartykitDev, type PartykitDev } from '../../src/dev/partykit.ts';
import { readNodeConfig } from '../../src/entry/config.ts';
import { startNodeServer } from '../../src/entry/node.ts';
import { createStaticAssets } from '../../src/entry/static.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The API, which also serves the web app at `/`. */
    appUrl: string;
    /** The first admin's token. */
    adminToken: string;
    /** POST `/restart-realtime` here stops and starts `partykit dev`. */
    controlUrl: string;
    /** Where the built app is. */
    webDist: string;
  }
}

import { chromiumPath } from '../../web/scripts/chromium.ts';

function startControlServer(restart: () => Promise<void>): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/restart-realtime') {
      res.writeHead(404).end();
      return;
    }
    restart().then(
      () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export default async function setup(project: TestProject) {
  if (!existsSync(chromiumPath)) {
    throw new Error(`the web suite needs Chromium at ${chromiumPath} (apt-get install chromium)`);
  }
  const root = mkdtempSync(join(tmpdir(), 'stek-web-'));
  const webDist = join(root, 'dist');
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  };

  try {
    await build({
      configFile: new URL('../../web/vite.config.ts', import.meta.url).pathname,
      build: { outDir: webDist, emptyOutDir: true },
      logLevel: 'warn',
    });

    const secret = `web-test-${crypto.randomUUID()}`;
    const persistDir = join(root, 'partykit');
    const startSearch = async () => {
      let solr: RunningSolr | undefined;
      let solrUrl = process.env.SOLR_URL;
      if (!solrUrl) {
        solr = await startSolr({ port: 0, heap: '512m' });
        stops.push(() => solr!.stop());
        solrUrl = solr.url;
      }
      const originSecret = `web-origin-${crypto.randomUUID()}`;
      const origin = await startSearchOrigin({
        solrUrl,
        secret: originSecret,
        port: 0,
        commitWithinMs: 200,
      });
      stops.push(() => origin.stop());
      return { url: origin.url, secret: originSecret };
    };
    const [search, firstParty] = await Promise.all([
      startSearch(),
      startPartykitDev({ port: 0, persistDir, secret }),
    ]);
    let party: PartykitDev = firstParty;
    stops.push(() => party.stop());

    const api = await startNodeServer({
      config: readNodeConfig({
        PORT: '0',
        STEK_DATA_DIR: dataDir,
        STEK_LOG: 'silent',
        REALTIME_HOST: party.url,
        REALTIME_SECRET: secret,
        SEARCH_ORIGIN_URL: search.url,
        SEARCH_ORIGIN_SECRET: search.secret,
        // Many browser sessions from one address and one admin: budgets would only add flakes.
        STEK_RATE_LIMIT_AUTH: 'off',
        STEK_RATE_LIMIT_POST: 'off',
        STEK_RATE_LIMIT_READ: 'off',
        STEK_RATE_LIMIT_SEARCH: 'off',
      }),
      extend: (deps) => ({ ...deps, staticAssets: createStaticAssets({ dir: webDist }) }),
    });
    stops.push(() => api.close());
    const adminToken = await ensureFirstAdmin({ db: api.db, now: Date.now });
    if (!adminToken) throw new Error('expected a fresh database');

    const control = await startControlServer(async () => {
      const port = party.port;
      await party.stop();
      party = await startPartykitDev({ port, persistDir, secret });
    });
    stops.push(() => new Promise((done) => control.close(done)));

    project.provide('appUrl', api.url);
    project.provide('adminToken', adminToken);
    project.provide('controlUrl', `http://127.0.0.1:${(control.address() as AddressInfo).port}`);
    project.provide('webDist', webDist);
  } catch (err) {
    await stopAll();
    throw err;
  }
  return stopAll;
}
