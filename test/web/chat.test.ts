import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** A channel both are in, open on both screens. */
async function sharedChannel(prefix: string) {
  const name = channelName(prefix);
  const created = await ann.api.createChannel({ name });
  await bob.api.joinChannel(created.id);
  for (const { page } of [a, b]) {
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await openChannel(page, name);
  }
  return { id: created.id, name };
}

const composerOf = (page: Page, name: string) =>
  page.getByRole('textbox', { name: `Message #${name}` });

/** A confirmed message (not one still on its way) whose text contains `text`. */
const messageWith = (page: Page, text: string) =>
  page.locator('article.message[data-message-id]', {
    has: page.locator('.message-text', { hasText: text }),
  });

async function send(page: Page, name: string, text: string) {
  const composer = composerOf(page, name);
  await composer.fill(text);
  await composer.press('Enter');
}

beforeAll(async () => {
  browser = await launchBrowser();
  [ann, bob] = await Promise.all([createTestUser('ann'), createTestUser('bob')]);
  // Both sign in with a channel already there, as someone arriving at work would.
  const lobby = await ann.api.createChannel({ name: channelName('lobby') });
  await bob.api.joinChannel(lobby.id);
  [a, b] = await Promise.all([openSignedIn(browser, ann), openSignedIn(browser, bob)]);
});

afterAll(async () => {
  await a?.context.close();
  await b?.context.close();
  await browser?.close();
});

describe('two people chatting in the browser', () => {
  it('delivers a message typed by one person to the other live, exactly once', async () => {
    const channel = await sharedChannel('live');
    await send(a.page, channel.name, 'hello from the browser');

    await eventually(async () =>
      expect(await channelTexts(b.page, channel.name)).toEqual(['hello from the browser']),
    );
    expect(await channelTexts(a.page, channel.name)).toEqual(['hello from the browser']);
    expect(await composerOf(a.page, channel.name).inputValue()).toBe('');
  });

  it('adds a line with Shift+Enter and sends both lines with Enter', async () => {
    const channel = await sharedChannel('lines');
    const composer = composerOf(a.page, channel.name);
    await composer.pressSequentially('first line');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('second line');
    await composer.press('Enter');
    await eventually(async () =>
      expect(await channelTexts(b.page, channel.name)).toEqual(['first line\nsecond line']),
    );
  });

  it('shows who is here and who is typing', async () => {
    const channel = await sharedChannel('typing');
    await eventually(async () =>
      expect(await a.page.locator('.presence').innerText()).toContain('2 here'),
    );
    await composerOf(b.page, channel.name).pressSequentially('thinking');
    await eventually(async () =>
      expect(await a.page.locator('.typing').innerText()).toBe('bob is typing…'),
    );
  });

  it('edits and deletes an own message, and the other person sees both live', async () => {
    const channel = await sharedChannel('edit');
    await send(a.page, channel.name, 'frist post');
    const mine = messageWith(a.page, 'frist post');
    await mine.waitFor();
    await mine.hover();
    await mine.getByRole('button', { name: 'Edit message' }).click();
    const editor = a.page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('first post');
    await editor.press('Enter');

    await eventually(async () =>
      expect(await channelTexts(b.page, channel.name)).toEqual(['first post']),
    );
    await messageWith(b.page, 'first post').locator('.edited').waitFor();

    a.page.once('dialog', (dialog) => void dialog.accept());
    const edited = messageWith(a.page, 'first post');
    await edited.hover();
    await edited.getByRole('button', { name: 'Delete message' }).click();
    await b.page.locator('article.message .tombstone').waitFor();
    expect(await channelTexts(b.page, channel.name)).toEqual(['This message was deleted.']);
  });

  it('edits the last own message with Arrow Up in an empty composer', async () => {
    const channel = await sharedChannel('arrow');
    await send(a.page, channel.name, 'typo hre');
    await messageWith(a.page, 'typo hre').waitFor();
    await composerOf(a.page, channel.name).press('ArrowUp');
    const editor = a.page.getByRole('textbox', { name: 'Edit message' });
    await eventually(async () =>
      expect(await editor.evaluate((el) => el === document.activeElement)).toBe(true),
    );
    await editor.fill('typo here');
    await editor.press('Enter');
    await eventually(async () =>
      expect(await channelTexts(b.page, channel.name)).toEqual(['typo here']),
    );
  });

  it('shows a reaction to the other person, with its count', async () => {
    const channel = await sharedChannel('react');
    await send(b.page, channel.name, 'ship it?');
    const theirs = messageWith(a.page, 'ship it?');
    await theirs.waitFor();
    await theirs.hover();
    await theirs.getByRole('button', { name: 'Add reaction' }).click();
    await theirs.getByRole('button', { name: 'React with 🚀' }).click();

    const reaction = messageWith(b.page, 'ship it?').locator('button.reaction');
    await eventually(async () => expect(await reaction.innerText()).toBe('🚀 1'));
    expect(await reaction.getAttribute('aria-pressed')).toBe('false');
    expect(
      await messageWith(a.page, 'ship it?').locator('button.reaction').getAttribute('aria-pressed'),
    ).toBe('true');
  });

  it('replies in a thread; the other person sees the count and the reply live', async () => {
    const channel = await sharedChannel('thread');
    await send(a.page, channel.name, 'who reviews the release notes?');
    await messageWith(b.page, 'who reviews the release notes?').waitFor();

    const root = messageWith(b.page, 'who reviews the release notes?');
    await root.hover();
    await root.getByRole('button', { name: 'Reply in thread' }).click();
    const panel = b.page.getByRole('complementary', { name: /Thread/ });
    await panel.waitFor();
    const reply = b.page.getByRole('textbox', { name: 'Reply in thread' });
    await reply.fill('I will, after lunch');
    await reply.press('Enter');
    await panel.getByRole('log', { name: 'Replies' }).getByText('I will, after lunch').waitFor();

    const summary = messageWith(a.page, 'who reviews the release notes?').locator(
      '.thread-summary',
    );
    await eventually(async () => expect(await summary.innerText()).toBe('1 reply'));
    // Replies stay in the thread, not in the channel's history.
    expect(await channelTexts(a.page, channel.name)).toEqual(['who reviews the release notes?']);

    await summary.click();
    const annPanel = a.page.getByRole('complementary', { name: /Thread/ });
    await annPanel.getByText('I will, after lunch').waitFor();
    await a.page.keyboard.press('Escape');
    await annPanel.waitFor({ state: 'detached' });
  });

  it('keeps a refused send on screen as failed, and Retry delivers it once', async () => {
    const channel = await sharedChannel('retry');
    let refused = 0;
    await a.page.route('**/v1/channels/*/messages', async (route) => {
      if (route.request().method() === 'POST' && refused === 0) {
        refused += 1;
        await route.abort('connectionrefused');
      } else {
        await route.continue();
      }
    });
    await send(a.page, channel.name, 'this one hits a network error');
    const failed = a.page.locator('article.message.pending.failed');
    await failed.waitFor();
    expect(await failed.getByRole('alert').innerText()).toMatch(/^Could not send/);
    expect(await channelTexts(b.page, channel.name)).toEqual([]);

    await failed.getByRole('button', { name: 'Retry' }).click();
    await eventually(async () =>
      expect(await channelTexts(b.page, channel.name)).toEqual(['this one hits a network error']),
    );
    await a.page.locator('article.message.pending').waitFor({ state: 'detached' });
    expect(await channelTexts(a.page, channel.name)).toEqual(['this one hits a network error']);
    await a.page.unrouteAll();
  });

  it('does not post twice when a send reached the API but its answer was lost', async () => {
    // Without live updates nothing else can tell the page that the first attempt got through.
    await a.page.route('**/v1/realtime/tickets', (route) => route.abort('connectionrefused'));
    const channel = await sharedChannel('lost');
    let lost = 0;
    await a.page.route('**/v1/channels/*/messages', async (route) => {
      if (route.request().method() === 'POST' && lost === 0) {
        lost += 1;
        await route.fetch(); // The API commits it; the page never hears back.
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await send(a.page, channel.name, 'sent exactly once');
    const failed = a.page.locator('article.message.pending.failed');
    await failed.waitFor();
    await failed.getByRole('button', { name: 'Retry' }).click();
    await a.page.locator('article.message.pending').waitFor({ state: 'detached' });
    await a.page.unrouteAll();

    const history = await bob.api.listMessages(channel.id);
    expect(history.messages.map((m) => m.text)).toEqual(['sent exactly once']);
    await eventually(async () =>
      expect(await channelTexts(b.page, channel.name)).toEqual(['sent exactly once']),
    );
    expect(await channelTexts(a.page, channel.name)).toEqual(['sent exactly once']);
  });

  it('scrolls back through older pages to the start of the channel', async () => {
    const name = channelName('history');
    const created = await ann.api.createChannel({ name });
    for (let i = 1; i <= 120; i += 1) {
      await ann.api.postMessage(created.id, { text: `history ${String(i).padStart(3, '0')}` });
    }
    await a.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await openChannel(a.page, name);
    await messageWith(a.page, 'history 120').waitFor();
    const first = await channelTexts(a.page, name);
    expect(first.length).toBe(50);
    expect(first.at(-1)).toBe('history 120');

    const scroller = a.page.locator('.channel .message-scroller');
    await eventually(async () => {
      await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
      await a.page.getByText(`This is the start of #${name}.`).waitFor({ timeout: 500 });
    }, 15_000);
    const all = await channelTexts(a.page, name);
    expect(all).toEqual(
      Array.from({ length: 120 }, (_, i) => `history ${String(i + 1).padStart(3, '0')}`),
    );
  });

  it('shows unread badges for other channels and clears them once read', async () => {
    const quiet = await sharedChannel('quiet');
    const busy = await sharedChannel('busy');
    await openChannel(b.page, quiet.name);
    await ann.api.postMessage(busy.id, { text: 'one' });
    await ann.api.postMessage(busy.id, { text: 'two' });
    await b.page.evaluate(() => window.dispatchEvent(new Event('focus')));

    const link = b.page.getByRole('link', { name: new RegExp(busy.name) });
    await eventually(async () =>
      expect(await link.locator('.badge').getAttribute('aria-label')).toBe('2 unread'),
    );
    await link.click();
    await messageWith(b.page, 'two').waitFor();
    await link.locator('.badge').waitFor({ state: 'detached' });
    await eventually(async () => {
      const listed = (await bob.api.listChannels()).find((c) => c.id === busy.id);
      expect(listed?.unreadCount).toBe(0);
    });
  });

  it('creates a channel, browses and joins a public one, and opens a direct conversation', async () => {
    const mine = channelName('made');
    await a.page.getByRole('button', { name: 'Create a channel' }).click();
    await a.page.getByRole('textbox', { name: 'Name' }).fill(mine);
    await a.page.getByRole('textbox', { name: 'Topic (optional)' }).fill('made in a test');
    await a.page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await a.page.getByRole('heading', { level: 1, name: `#${mine}` }).waitFor();

    await b.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await eventually(async () => {
      await b.page.getByRole('button', { name: /^Browse channels/ }).click();
      await b.page.getByRole('button', { name: `Join #${mine}` }).click({ timeout: 1_000 });
    });
    await b.page.getByRole('heading', { level: 1, name: `#${mine}` }).waitFor();
    await b.page.getByText('made in a test').waitFor();

    await a.page.getByRole('button', { name: 'Start a direct conversation' }).click();
    await a.page.getByRole('button', { name: `Message ${bob.user.name}` }).click();
    await a.page.getByRole('heading', { level: 1, name: 'bob' }).waitFor();
    await a.page.getByText('This is the start of bob.').waitFor();
    const dmComposer = a.page.getByRole('textbox', { name: 'Message bob' });
    await dmComposer.fill('psst');
    await dmComposer.press('Enter');
    // The conversation of exactly these two (bob may have others from other tests).
    const dm = await bob.api.openDm([ann.user.id]);
    await eventually(async () => {
      const history = await bob.api.listMessages(dm.id);
      expect(history.messages.map((m) => m.text)).toEqual(['psst']);
    });
  });

  it('moves between channels with Alt+Arrow keys and focuses search with Ctrl+K', async () => {
    const one = await sharedChannel('kb-one');
    await sharedChannel('kb-two');
    await openChannel(a.page, one.name);
    // Other tests create channels in the same sidebar meanwhile, so each step is checked against
    // the sidebar's order as it stands right after the key press, not against fixed neighbours.
    const heading = a.page.getByRole('heading', { level: 1 });
    const neighbour = (name: string, step: 1 | -1) =>
      a.page.evaluate(
        ([current, by]) => {
          const names = [
            ...document.querySelectorAll('#sidebar .channel-list'),
          ][0]!.querySelectorAll('.channel-name');
          const list = [...names].map((n) => n.textContent ?? '');
          return list[list.indexOf(current!) + Number(by)] ?? null;
        },
        [name, String(step)] as const,
      );
    await a.page.locator('body').press('Alt+ArrowDown');
    await eventually(async () => expect(await heading.innerText()).not.toBe(`#${one.name}`));
    const below = (await heading.innerText()).slice(1);
    expect(await neighbour(one.name, 1)).toBe(below);
    await a.page.locator('body').press('Alt+ArrowUp');
    await eventually(async () => expect(await heading.innerText()).not.toBe(`#${below}`));
    const above = (await heading.innerText()).slice(1);
    expect(await neighbour(below, -1)).toBe(above);

    await a.page.keyboard.press('Control+k');
    const focused = await a.page.evaluate(() => document.activeElement?.id);
    expect(focused).toBe('search-input');
  });
});

describe('on a phone-sized screen', () => {
  it('hides the sidebar in a drawer and shows a thread over the channel', async () => {
    const name = channelName('phone');
    const created = await ann.api.createChannel({ name });
    const root = await ann.api.postMessage(created.id, { text: 'small screens too' });
    await ann.api.postMessage(created.id, { text: 'a reply', threadId: root.id });
    const phone = await openSignedIn(browser, ann, { viewport: { width: 390, height: 844 } });
    try {
      const nav = phone.page.locator('#sidebar');
      expect(await nav.isVisible()).toBe(false);
      await openChannel(phone.page, name);
      await eventually(async () => expect(await nav.isVisible()).toBe(false));

      const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(390);

      await messageWith(phone.page, 'small screens too').locator('.thread-summary').click();
      const panel = phone.page.getByRole('complementary', { name: /Thread/ });
      await panel.getByText('a reply').waitFor();
      const box = await panel.boundingBox();
      expect(box).toMatchObject({ x: 0, width: 390 });
    } finally {
      await phone.context.close();
    }
  });
});
