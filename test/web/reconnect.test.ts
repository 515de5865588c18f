import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  channelName,
  channelTexts,
  createTestUser,
  eventually,
  launchBrowser,
  openChannel,
  openSignedIn,
  type SignedIn,
  type TestUser,
} from './helpers.ts';

let browser: Browser;
let ann: TestUser;
let bob: TestUser;
let a: SignedIn;
let b: SignedIn;

beforeAll(async () => {
  browser = await launchBrowser();
  [ann, bob] = await Promise.all([createTestUser('ann'), createTestUser('bob')]);
});

afterAll(async () => {
  await a?.context.close();
  await b?.context.close();
  await browser?.close();
});

const banner = (s: SignedIn) => s.page.locator('.banner');

describe('when the realtime server restarts', () => {
  it('shows the reconnect banner and both people catch up without gaps or duplicates', async () => {
    const name = channelName('restart');
    const channel = await ann.api.createChannel({ name });
    await bob.api.joinChannel(channel.id);
    [a, b] = await Promise.all([openSignedIn(browser, ann), openSignedIn(browser, bob)]);
    await Promise.all([openChannel(a.page, name), openChannel(b.page, name)]);

    const composer = a.page.getByRole('textbox', { name: `Message #${name}` });
    await composer.fill('before the restart');
    await composer.press('Enter');
    await eventually(async () =>
      expect(await channelTexts(b.page, name)).toEqual(['before the restart']),
    );

    const restarted = fetch(`${inject('controlUrl')}/restart-realtime`, { method: 'POST' });
    for (const s of [a, b]) {
      await eventually(async () =>
        expect(await banner(s).innerText()).toBe('Connection lost. Reconnecting…'),
      );
    }

    // Written while the rooms are down: the API commits them, but their publish fails.
    const during: string[] = [];
    for (let i = 1; i <= 5; i += 1) {
      const author = i % 2 ? bob : ann;
      const text = `during the outage ${i}`;
      await author.api.postMessage(channel.id, { text });
      during.push(text);
    }
    await composer.fill('typed during the outage');
    await composer.press('Enter');
    await a.page.locator('article.message.pending').waitFor({ state: 'detached' });
    const reacted = await bob.api.addReaction(
      (await bob.api.listMessages(channel.id, { limit: 1 })).messages[0]!.id,
      '👀',
    );

    expect((await restarted).status).toBe(200);
    for (const s of [a, b]) await banner(s).waitFor({ state: 'detached', timeout: 20_000 });

    await bob.api.postMessage(channel.id, { text: 'after the restart' });
    const expected = [
      'before the restart',
      ...during,
      'typed during the outage',
      'after the restart',
    ];
    const history = await ann.api.listMessages(channel.id);
    expect(history.messages.map((m) => m.text).reverse()).toEqual(expected);

    for (const s of [a, b]) {
      await eventually(async () => expect(await channelTexts(s.page, name)).toEqual(expected));
      const ids = await s.page
        .locator(`[role="log"][aria-label="Messages in #${name}"] article.message`)
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-message-id')));
      expect(new Set(ids).size).toBe(expected.length);
      const reaction = s.page.locator(`#msg-${reacted.id} button.reaction`);
      await eventually(async () => expect(await reaction.innerText()).toBe('👀 1'));
    }
  }, 60_000);
});
