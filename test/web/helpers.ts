// Browser and API helpers for the web suite: Chromium through playwright-core, users created
// through the API, and pages signed in as them.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { inject } from 'vitest';
import { createStekClient, type StekClient, type UserView } from '../../src/client/index.ts';
import { launchChromium } from '../../web/scripts/chromium.ts';

export const appUrl = () => inject('appUrl');

/** Debian's Chromium, headless, with nothing reaching beyond this machine. */
export const launchBrowser = launchChromium;

export interface TestUser {
  user: UserView;
  token: string;
  api: StekClient;
}

const adminApi = () => createStekClient({ baseUrl: appUrl(), token: inject('adminToken') });

/** A new user with a unique name starting with `prefix`. */
export async function createTestUser(prefix: string): Promise<TestUser> {
  const name = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  const { user, token } = await adminApi().createUser({ name, displayName: prefix });
  return {
    user,
    token: token.token,
    api: createStekClient({ baseUrl: appUrl(), token: token.token }),
  };
}

/** A unique channel name. */
export const channelName = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 6)}`;

export interface SignedIn {
  context: BrowserContext;
  page: Page;
}

/** A fresh browser context (its own storage) signed in as the user, on the app's first screen. */
export async function openSignedIn(
  browser: Browser,
  user: TestUser,
  options: { viewport?: { width: number; height: number }; hash?: string } = {},
): Promise<SignedIn> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    reducedMotion: 'reduce',
  });
  await context.addInitScript((token: string) => {
    localStorage.setItem('stek.token', token);
  }, user.token);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(appUrl());
  await page.locator('#sidebar').waitFor({ state: 'attached' });
  return { context, page };
}

/** Opens a channel from the sidebar by its name and waits until its history shows. */
export async function openChannel(page: Page, name: string): Promise<void> {
  // On a phone the sidebar is a closed drawer, hidden from the accessibility tree until opened.
  const link = page
    .locator('#sidebar')
    .getByRole('link', { name: new RegExp(`^\\S*\\s*${name}`), includeHidden: true });
  await link.waitFor({ state: 'attached' });
  if (!(await link.isVisible())) await page.getByRole('button', { name: 'Channels' }).click();
  await link.click();
  await page.getByRole('heading', { level: 1, name: `#${name}` }).waitFor();
  // An empty history is a zero-height log: wait for it to be there and loaded, not visible.
  await page
    .locator(`[role="log"][aria-label="Messages in #${name}"][aria-busy="false"]`)
    .waitFor({ state: 'attached' });
}

/** The message articles in the channel view, as their text. */
export async function channelTexts(page: Page, name: string): Promise<string[]> {
  const log = page.getByRole('log', { name: `Messages in #${name}` });
  return log.locator('article.message .message-text').allInnerTexts();
}

/** Waits until `check` passes (retrying on a thrown assertion), for up to `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
