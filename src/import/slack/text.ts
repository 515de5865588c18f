/** Resolves the ids Slack markup refers to into stek names; `undefined` when unknown. */
export interface NameLookup {
  userName(slackUserId: string): string | undefined;
  channelName(slackChannelId: string): string | undefined;
}

const specialMentions = new Set(['here', 'channel', 'everyone']);

function convertLink(target: string, label: string | undefined): string {
  if (label === undefined || label === '' || label === target) return target;
  if (target === `mailto:${label}`) return label;
  if (target.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '') === label) return target;
  return `${label} (${target})`;
}

function convertCommand(command: string, label: string | undefined): string {
  const name = command.split('^')[0]!;
  if (specialMentions.has(name)) return `@${name}`;
  if (name === 'subteam') {
    if (!label) return '@group';
    return label.startsWith('@') ? label : `@${label}`;
  }
  // Dates and other formatted values carry their own fallback text as the label.
  return label ?? `@${name}`;
}

/** One `<…>` token of Slack markup, as plain text. */
function convertToken(inner: string, lookup: NameLookup): string {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : inner.slice(bar + 1);
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `@${lookup.userName(id) ?? label?.replace(/^@/, '') ?? id}`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return `#${lookup.channelName(id) ?? label?.replace(/^#/, '') ?? id}`;
  }
  if (target.startsWith('!')) return convertCommand(target.slice(1), label);
  return convertLink(target, label);
}

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/**
 * Converts Slack's message markup to stek's plain text: `<@U1>` → `@name`, `<#C1|x>` → `#name`,
 * `<!here>` → `@here`, `<url|label>` → `label (url)`, `<url>` → `url`, and `&amp; &lt; &gt;`
 * unescaped. Slack escapes every literal `<`, so each `<…>` left in the text is a token.
 */
export function convertSlackText(text: string, lookup: NameLookup): string {
  // Unescaping runs once, over the result, so "&amp;lt;" becomes "&lt;" and not "<".
  const replaced = text.replace(/<([^<>]*)>/g, (_whole, inner: string) =>
    convertToken(inner, lookup),
  );
  return replaced.replace(/&(?:amp|lt|gt);/g, (entity) => entities[entity]!);
}
