import { describe, expect, it } from 'vitest';
import { pickUniqueName, toStekName } from '../../src/import/slack/names.ts';
import { compareTs, parseTs, tsToMillis } from '../../src/import/slack/slack-ts.ts';
import { convertSlackText } from '../../src/import/slack/text.ts';

const lookup = {
  userName: (id: string) => ({ U1: 'alice', U2: 'bob' })[id],
  channelName: (id: string) => ({ C1: 'general-2' })[id],
};
const convert = (text: string) => convertSlackText(text, lookup);

describe('converting Slack markup', () => {
  it('names mentioned users and channels by their stek names', () => {
    expect(convert('hi <@U1> and <@U2|bobby> in <#C1|general>')).toBe(
      'hi @alice and @bob in #general-2',
    );
  });

  it('falls back to the label, then the id, for users and channels it does not know', () => {
    expect(convert('<@U9|zed> <@U9> <#C9|old> <#C9>')).toBe('@zed @U9 #old #C9');
  });

  it('writes labelled links as label (url) and bare links as the url', () => {
    expect(convert('<https://a.example/x?y=1&amp;z=2|docs> <https://b.example>')).toBe(
      'docs (https://a.example/x?y=1&z=2) https://b.example',
    );
    expect(convert('<https://c.example|c.example> <mailto:m@example.com|m@example.com>')).toBe(
      'https://c.example m@example.com',
    );
  });

  it('turns special mentions, groups and dates into readable text', () => {
    expect(convert('<!here> <!channel> <!everyone> <!here|here>')).toBe(
      '@here @channel @everyone @here',
    );
    expect(convert('<!subteam^S1|@design> <!date^1392734382^{date}|Feb 18, 2014>')).toBe(
      '@design Feb 18, 2014',
    );
  });

  it('unescapes entities once, leaving escaped entities as text', () => {
    expect(convert('a &lt;b&gt; &amp; c &amp;lt;')).toBe('a <b> & c &lt;');
  });
});

describe('Slack timestamps', () => {
  it('orders by microseconds where floats would tie', () => {
    const a = parseTs('1673426500.000001')!;
    const b = parseTs('1673426500.000002')!;
    expect(compareTs(a, b)).toBeLessThan(0);
    expect(a.key).toBe('1673426500.000001');
    expect(tsToMillis(parseTs('1673426500.123456')!)).toBe(1673426500123);
  });

  it('rejects text that is not a ts', () => {
    expect(parseTs('yesterday')).toBeNull();
    expect(parseTs('1.2.3')).toBeNull();
  });
});

describe('stek names from Slack names', () => {
  it('lowercases, drops accents and replaces what stek does not allow', () => {
    expect(toStekName('José Núñez', 'U1')).toBe('jose-nunez');
    expect(toStekName('日本', 'U1ABC')).toBe('u1abc');
  });

  it('makes taken names unique with a numeric suffix', () => {
    const taken = new Set(['bob', 'bob-2']);
    expect(pickUniqueName('bob', taken)).toBe('bob-3');
    expect(pickUniqueName('carol', taken)).toBe('carol');
    expect(taken.has('bob-3')).toBe(true);
  });
});
