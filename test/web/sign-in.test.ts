import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appUrl,
  channelName,
  createTestUser,
  launchBrowser,
  openChannel,
  openSignedIn,
} from './helpers.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Controls without an accessible name, as `tag#id.class` strings. */
function findUnnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const unnamed: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, a[href], input, textarea')) {
      const labelled =
        el.getAttribute('aria-label') ||
        el.getAttribute('aria-labelledby') ||
        ((el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) &&
          el.labels &&
          el.labels.length > 0) ||
        (el.tagName !== 'INPUT' && el.tagName !== 'TEXTAREA' && el.textContent?.trim());
      if (!labelled) unnamed.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className}`);
    }
    return unnamed;
  });
}

describe('signing in', () => {
  it('signs in from a local sign-in link and takes the token out of the address', async () => {
    const ann = await createTestUser('linked');
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    try {
      await page.goto(`${appUrl()}#token=${ann.token}`);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      expect(new URL(page.url()).hash).toBe('');
      expect(await page.evaluate(() => localStorage.getItem('stek.token'))).toBe(ann.token);
    } finally {
      await context.close();
    }
  });

  it('refuses a wrong token with a readable message, then signs in and stays signed in', async () => {
    const ann = await createTestUser('ann');
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    try {
      await page.goto(appUrl());
      await page.getByLabel('Token').fill('stek_not-a-real-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect(await page.getByRole('alert').innerText()).toBe(
        'That token was not accepted. Check it and try again.',
      );

      await page.getByLabel('Token').fill(ann.token);
      await page.getByLabel('Token').press('Enter');
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      expect(await page.evaluate(() => localStorage.getItem('stek.token'))).toBe(ann.token);

      await page.reload();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Token').waitFor();
      expect(await page.evaluate(() => localStorage.getItem('stek.token'))).toBeNull();
    } finally {
      await context.close();
    }
  });

  it('gives every control on the main screens an accessible name', async () => {
    const ann = await createTestUser('ann');
    const name = channelName('names');
    const channel = await ann.api.createChannel({ name });
    const root = await ann.api.postMessage(channel.id, { text: 'label me' });
    await ann.api.addReaction(root.id, '👍');
    await ann.api.postMessage(channel.id, { text: 'a reply', threadId: root.id });

    const anonymous = await browser.newContext();
    const signInPage = await anonymous.newPage();
    await signInPage.goto(appUrl());
    await signInPage.getByLabel('Token').waitFor();
    expect(await findUnnamedControls(signInPage)).toEqual([]);
    await anonymous.close();

    const { context, page } = await openSignedIn(browser, ann);
    try {
      await openChannel(page, name);
      await page.locator('.thread-summary').click();
      await page
        .getByRole('complementary', { name: /Thread/ })
        .getByText('a reply')
        .waitFor();
      expect(await findUnnamedControls(page)).toEqual([]);
      await page.getByRole('searchbox', { name: 'Search messages' }).fill('label');
      await page.getByRole('searchbox', { name: 'Search messages' }).press('Enter');
      await page.getByRole('complementary', { name: 'Search' }).waitFor();
      expect(await findUnnamedControls(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('moves through messages with the arrow keys and opens a thread with R', async () => {
    const ann = await createTestUser('ann');
    const name = channelName('keys');
    const channel = await ann.api.createChannel({ name });
    const first = await ann.api.postMessage(channel.id, { text: 'first' });
    await ann.api.postMessage(channel.id, { text: 'second' });
    const { context, page } = await openSignedIn(browser, ann);
    try {
      await openChannel(page, name);
      const focusedText = () =>
        page.evaluate(() => document.activeElement?.querySelector('.message-text')?.textContent);
      await page.locator('article.message[tabindex="0"]').focus();
      expect(await focusedText()).toBe('second');
      await page.keyboard.press('ArrowUp');
      expect(await focusedText()).toBe('first');
      await page.keyboard.press('r');
      const panel = page.getByRole('complementary', { name: /Thread/ });
      await panel.locator(`#msg-${first.id}`).waitFor();
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
    } finally {
      await context.close();
    }
  });
});
