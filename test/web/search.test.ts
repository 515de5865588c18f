import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelName,
  createTestUser,
  eventually,
  launchBrowser,
  openSignedIn,
  type SignedIn,
  type TestUser,
} from './helpers.ts';

let browser: Browser;
let ann: TestUser;
let page: SignedIn['page'];
let context: SignedIn['context'];
const word = `zebrafish${crypto.randomUUID().slice(0, 6)}`;
let ops: { id: string; name: string };
let target: { id: string };
let reply: { id: string };

beforeAll(async () => {
  browser = await launchBrowser();
  ann = await createTestUser('ann');
  const bob = await createTestUser('bob');
  const opsName = channelName('ops');
  const created = await ann.api.createChannel({ name: opsName });
  ops = { id: created.id, name: opsName };
  await bob.api.joinChannel(created.id);
  const other = await ann.api.createChannel({ name: channelName('misc') });

  target = await ann.api.postMessage(ops.id, { text: `the ${word} deploy went out <b>fine</b>` });
  // Enough later messages that the hit is out of the first page: jumping must load around it.
  for (let i = 0; i < 70; i += 1) await bob.api.postMessage(ops.id, { text: `filler ${i}` });
  reply = await bob.api.postMessage(ops.id, {
    text: `a ${word} in a thread`,
    threadId: target.id,
  });
  await ann.api.postMessage(other.id, { text: `${word} elsewhere` });

  // Indexing follows the log a moment behind the posts.
  await eventually(async () => {
    const page = await ann.api.search({ q: word });
    expect(page.total).toBe(3);
  }, 30_000);
  ({ page, context } = await openSignedIn(browser, ann));
}, 90_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

async function runSearch(q: string) {
  const input = page.getByRole('searchbox', { name: 'Search messages' });
  await input.fill(q);
  await input.press('Enter');
  await page.getByRole('complementary', { name: 'Search' }).waitFor();
}

describe('searching from the browser', () => {
  it('shows highlighted snippets as text, with channel and author facets', async () => {
    await runSearch(word);
    const panel = page.getByRole('complementary', { name: 'Search' });
    await eventually(async () =>
      expect(await panel.getByRole('status').innerText()).toBe(`3 results for “${word}”`),
    );
    const marks = await panel.locator('.snippet mark').allInnerTexts();
    expect(marks.length).toBe(3);
    expect(new Set(marks.map((m) => m.toLowerCase()))).toEqual(new Set([word]));
    // The message's markup-looking text is shown as text, never parsed.
    const snippet = panel.locator(`[data-result-id="${target.id}"] .snippet`);
    expect(await snippet.innerText()).toContain('<b>fine</b>');
    expect(await snippet.locator('b').count()).toBe(0);

    const channelFacets = await panel
      .getByRole('group', { name: 'Channels' })
      .getByRole('button')
      .allInnerTexts();
    expect(channelFacets).toContain(`#${ops.name} 2`);
  });

  it('narrows the results with a facet, which adds the operator to the query', async () => {
    await runSearch(word);
    const panel = page.getByRole('complementary', { name: 'Search' });
    await panel
      .getByRole('group', { name: 'Channels' })
      .getByRole('button', { name: new RegExp(`^#${ops.name}`) })
      .click();
    await eventually(async () =>
      expect(await panel.getByRole('status').innerText()).toBe(
        `2 results for “${word} in:#${ops.name}”`,
      ),
    );
    expect(await page.getByRole('searchbox', { name: 'Search messages' }).inputValue()).toBe(
      `${word} in:#${ops.name}`,
    );
  });

  it('says where a malformed query goes wrong', async () => {
    await runSearch('"unclosed');
    const alert = page.getByRole('complementary', { name: 'Search' }).getByRole('alert');
    expect(await alert.innerText()).toMatch(/at character 1\)$/);
  });

  it('opens the channel at a hit far back in its history, highlighted and focused', async () => {
    await runSearch(`${word} in:#${ops.name} -thread`);
    await page.locator(`[data-result-id="${target.id}"]`).click();
    const message = page.locator(`#msg-${target.id}`);
    await message.waitFor();
    await eventually(async () =>
      expect(await message.getAttribute('class')).toContain('highlighted'),
    );
    expect(await message.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`#${ops.name}`);
    await page.getByRole('button', { name: 'Jump to the latest messages' }).waitFor();
    const inView = await message.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    });
    expect(inView).toBe(true);
  });

  it('opens a reply hit in its thread', async () => {
    await runSearch(`"${word} in a thread"`);
    await page.locator(`[data-result-id="${reply.id}"]`).click();
    const panel = page.getByRole('complementary', { name: /Thread/ });
    await panel.locator(`#msg-${reply.id}`).waitFor();
    await eventually(async () =>
      expect(await panel.locator(`#msg-${reply.id}`).getAttribute('class')).toContain(
        'highlighted',
      ),
    );
  });
});
