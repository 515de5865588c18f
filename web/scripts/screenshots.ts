// Takes the screenshots in docs/screenshots: builds the app, starts a throw-away stack (Solr and
// the search origin, `partykit dev`, the API serving the app) on free ports, fills it with a small
// conversation, and photographs it in headless Chromium.
//   npx tsx web/scripts/screenshots.ts
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { startSearchOrigin } from '../../origin-search/src/server.ts';
import { startSolr } from '../../origin-search/solr/launcher.ts';
import { ensureFirstAdmin } from '../../src/cli/commands/serve.ts';
import { createStekClient, type StekClient } from '../../src/client/index.ts';
import { launchChromium } from './chromium.ts';
import { startPartykitDev } from '../../src/dev/partykit.ts';
import { readNodeConfig } from '../../src/entry/config.ts';
import { startNodeServer } from '../../src/entry/node.ts';
import { createStaticAssets } from '../../src/entry/static.ts';

const repoRoot = resolve(new URL('../..', import.meta.url).pathname);
const outDir = join(repoRoot, 'docs/screenshots');
const say = (line: string) => process.stderr.write(`${line}\n`);

async function seed(appUrl: string, adminToken: string) {
  const admin = createStekClient({ baseUrl: appUrl, token: adminToken });
  const people: Record<string, StekClient> = {};
  const tokens: Record<string, string> = {};
  for (const [name, displayName] of [
    ['ann', 'Ann Okafor'],
    ['bob', 'Bob Lindqvist'],
    ['chen', 'Chen Wei'],
    ['dana', 'Dana Ruiz'],
  ] as const) {
    const { user, token } = await admin.createUser({ name, displayName });
    people[name] = createStekClient({ baseUrl: appUrl, token: token.token });
    tokens[user.name] = token.token;
  }
  const { ann, bob, chen, dana } = people as Record<'ann' | 'bob' | 'chen' | 'dana', StekClient>;

  const general = await ann.createChannel({ name: 'general', topic: 'Anything, really' });
  const ops = await bob.createChannel({ name: 'ops', topic: 'Deploys, incidents, on-call' });
  const design = await dana.createChannel({ name: 'design', topic: 'Screens and sketches' });
  for (const client of [ann, chen, dana]) await client.joinChannel(ops.id);
  for (const client of [bob, chen, dana]) await client.joinChannel(general.id);
  await ann.joinChannel(design.id);

  await ann.postMessage(general.id, { text: 'Morning all! Coffee machine on 3 is fixed ☕' });
  await chen.postMessage(general.id, { text: 'Finally. Thank you, whoever did that.' });

  await bob.postMessage(ops.id, { text: 'Heads-up: deploying api v2.14 to staging at 10:30.' });
  const deploy = await bob.postMessage(ops.id, {
    text: 'Staging deploy done. Error rate flat, p99 down from 180 ms to 120 ms.',
  });
  await ann.addReaction(deploy.id, '🎉');
  await chen.addReaction(deploy.id, '🎉');
  await dana.addReaction(deploy.id, '👀');
  const question = await chen.postMessage(ops.id, {
    text: 'Can we roll the deploy to production before lunch? The search fix is in it.',
  });
  await bob.postMessage(ops.id, {
    text: 'Yes if nobody objects. Runbook: https://wiki.example/ops/deploy',
  });
  await ann.postMessage(ops.id, {
    text: 'No objection. I am on call, ping me if the canary looks odd.',
  });
  await bob.postMessage(ops.id, {
    text: 'Checklist for the production deploy',
    threadId: question.id,
  });
  await dana.postMessage(ops.id, {
    text: 'Design sign-off is done, nothing blocking from our side.',
    threadId: question.id,
  });
  await ann.postMessage(ops.id, {
    text: 'Canary at 5% looks healthy, continuing the deploy.',
    threadId: question.id,
  });
  await dana.postMessage(design.id, { text: 'New sidebar sketches are up, feedback welcome.' });
  await ann.postMessage(design.id, {
    text: 'Love the unread badges. Can the deploy banner be calmer?',
  });
  await ann.markRead(ops.id, (await ann.getChannel(ops.id)).headSeq);
  await bob.postMessage(general.id, { text: 'Lunch at 12:30?' });

  // Let the index catch up before the search screenshot.
  for (let i = 0; i < 100; i += 1) {
    if ((await ann.search({ q: 'deploy' })).total >= 6) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { annToken: tokens.ann!, question };
}

async function signIn(page: Page, appUrl: string, token: string) {
  await page.goto(appUrl);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#sidebar').waitFor({ state: 'attached' });
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'stek-shots-'));
  const stops: Array<() => Promise<unknown>> = [];
  try {
    say('building the web app…');
    const dist = join(root, 'dist');
    await build({
      configFile: join(repoRoot, 'web/vite.config.ts'),
      build: { outDir: dist, emptyOutDir: true },
      logLevel: 'warn',
    });

    say('starting Solr, the search origin and partykit dev…');
    const secret = `shots-${crypto.randomUUID()}`;
    const [solr, party] = await Promise.all([
      startSolr({ port: 0, heap: '512m' }),
      startPartykitDev({ port: 0, secret }),
    ]);
    stops.push(
      () => solr.stop(),
      () => party.stop(),
    );
    const originSecret = `shots-origin-${crypto.randomUUID()}`;
    const origin = await startSearchOrigin({
      solrUrl: solr.url,
      secret: originSecret,
      port: 0,
      commitWithinMs: 200,
    });
    stops.push(() => origin.stop());
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    const api = await startNodeServer({
      config: readNodeConfig({
        PORT: '0',
        STEK_DATA_DIR: dataDir,
        STEK_LOG: 'silent',
        REALTIME_HOST: party.url,
        REALTIME_SECRET: secret,
        SEARCH_ORIGIN_URL: origin.url,
        SEARCH_ORIGIN_SECRET: originSecret,
        STEK_RATE_LIMIT_AUTH: 'off',
      }),
      extend: (deps) => ({ ...deps, staticAssets: createStaticAssets({ dir: dist }) }),
    });
    stops.push(() => api.close());
    const adminToken = (await ensureFirstAdmin({ db: api.db, now: Date.now }))!;

    say('writing the conversation…');
    const { annToken, question } = await seed(api.url, adminToken);

    say('taking screenshots…');
    const browser = await launchChromium();
    stops.push(() => browser.close());
    mkdirSync(outDir, { recursive: true });

    const desktop = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    const page = await desktop.newPage();
    await signIn(page, api.url, annToken);
    await page.locator('#sidebar').getByRole('link', { name: /ops/ }).click();
    await page.locator(`#msg-${question.id} .thread-summary`).click();
    await page
      .getByRole('complementary', { name: /Thread/ })
      .getByText('Canary at 5%')
      .waitFor();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(outDir, 'desktop-thread.png') });

    await page.getByRole('searchbox', { name: 'Search messages' }).fill('deploy');
    await page.getByRole('searchbox', { name: 'Search messages' }).press('Enter');
    await page.locator('.results .snippet mark').first().waitFor();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(outDir, 'search.png') });
    await desktop.close();

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const phonePage = await phone.newPage();
    await signIn(phonePage, api.url, annToken);
    await phonePage.getByRole('button', { name: 'Channels' }).click();
    await phonePage.locator('#sidebar').getByRole('link', { name: /ops/ }).click();
    await phonePage.getByText('No objection').waitFor();
    await phonePage.screenshot({ path: join(outDir, 'phone.png') });
    await phonePage.getByRole('button', { name: 'Channels' }).click();
    await phonePage.locator('#sidebar .channel-link').first().waitFor();
    await phonePage.waitForTimeout(250);
    await phonePage.screenshot({ path: join(outDir, 'phone-sidebar.png') });
    await phone.close();

    for (const name of ['desktop-thread', 'search', 'phone', 'phone-sidebar']) {
      say(`  docs/screenshots/${name}.png`);
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
