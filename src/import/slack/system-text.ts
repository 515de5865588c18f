import type { SlackMessage } from './schemas.ts';

/** What rendering needs: names for users, and the markup conversion for quoted text. */
export interface SystemTextContext {
  /** A Slack user id as `@name`. */
  mention(slackUserId: string): string;
  /** Slack markup to plain text. */
  convert(text: string): string;
}

type Render = (who: string, message: SlackMessage, ctx: SystemTextContext) => string;

function setting(what: string, value: string | undefined, who: string, ctx: SystemTextContext) {
  const text = ctx.convert(value ?? '').trim();
  return text ? `${who} set the ${what}: ${text}` : `${who} cleared the ${what}`;
}

const byKind: Record<string, Render> = {
  join: (who, m, ctx) =>
    m.inviter
      ? `${who} joined the channel (invited by ${ctx.mention(m.inviter)})`
      : `${who} joined the channel`,
  leave: (who) => `${who} left the channel`,
  topic: (who, m, ctx) => setting('topic', m.topic, who, ctx),
  purpose: (who, m, ctx) => setting('purpose', m.purpose, who, ctx),
  name: (who, m) =>
    m.old_name
      ? `${who} renamed the channel from #${m.old_name} to #${m.name ?? ''}`
      : `${who} renamed the channel to #${m.name ?? ''}`,
  archive: (who) => `${who} archived the channel`,
  unarchive: (who) => `${who} unarchived the channel`,
};

/** Slack's system subtypes, channel_ and group_ alike, by what they record. */
const kindOf: Record<string, string> = {};
for (const kind of Object.keys(byKind)) {
  kindOf[`channel_${kind}`] = kind;
  kindOf[`group_${kind}`] = kind;
}

const fixed: Record<string, string> = {
  channel_convert_to_private: 'made the channel private',
  channel_convert_to_public: 'made the channel public',
  pinned_item: 'pinned a message',
  unpinned_item: 'unpinned a message',
  bot_add: 'added an integration',
  bot_remove: 'removed an integration',
  bot_enable: 'enabled an integration',
  bot_disable: 'disabled an integration',
};

/** Subtypes that record a change of the channel, rendered by stek rather than taken as text. */
export function isKnownSystemSubtype(subtype: string): boolean {
  return subtype in kindOf || subtype in fixed;
}

export function isArchiveSubtype(subtype: string | undefined): boolean {
  return subtype === 'channel_archive' || subtype === 'group_archive';
}

/** The text of a known system subtype, written by stek from the record's fields. */
export function renderSystemText(
  subtype: string,
  who: string,
  message: SlackMessage,
  ctx: SystemTextContext,
): string {
  const kind = kindOf[subtype];
  if (kind) return byKind[kind]!(who, message, ctx);
  return `${who} ${fixed[subtype]}`;
}
