import { maxMessageLength } from '../../chat/rules.ts';
import type { ExportSource } from './export-source.ts';
import { toStekName } from './names.ts';
import { describeIssues, SlackMessageSchema, type SlackMessage } from './schemas.ts';
import { compareTs, parseTs, tsTextToMillis, tsToMillis, type SlackTs } from './slack-ts.ts';
import type { SkipLog } from './summary.ts';
import { isArchiveSubtype, isKnownSystemSubtype, renderSystemText } from './system-text.ts';
import { convertSlackText, type NameLookup } from './text.ts';
import type { KnownUser, UserSpec } from './users.ts';

/** A valid message record, with where it came from. */
export interface ParsedMessage {
  path: string;
  ts: SlackTs;
  message: SlackMessage;
}

/** A message ready to write: stek's text and subtype, Slack ids still to resolve. */
export interface PlannedMessage {
  ts: SlackTs;
  path: string;
  /** The author's Slack user id (or bot id). */
  authorRef: string;
  text: string;
  subtype: 'system' | 'bot' | null;
  /** The ts key of the thread's root, for a reply. */
  threadTs: string | null;
  createdAt: number;
  editedAt: number | null;
  /** Slack's placeholder for a deleted message that still heads a thread. */
  deleted: boolean;
  /** Whether it records the channel being archived. */
  archives: boolean;
  reactions: Array<{ emoji: string; userRef: string }>;
}

/** Who wrote system records that name nobody. */
export const slackbotId = 'USLACKBOT';

/** Subtypes whose text a person wrote. */
const userSubtypes = new Set([
  'me_message',
  'thread_broadcast',
  'reply_broadcast',
  'file_share',
  'file_comment',
  'file_mention',
  'slackbot_response',
]);

/** Records of a change to another message: the export already holds the changed message. */
const updateSubtypes = new Set(['message_changed', 'message_deleted', 'message_replied']);

const decoder = new TextDecoder();

/** Reads a file and parses it as JSON; the reason as text when either fails. */
export async function readJson(
  source: ExportSource,
  path: string,
): Promise<{ value: unknown } | { error: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await source.readFile(path);
  } catch (err) {
    return { error: `cannot read: ${(err as Error).message}` };
  }
  try {
    return { value: JSON.parse(decoder.decode(bytes).replace(/^\uFEFF/, '')) };
  } catch (err) {
    return { error: `invalid JSON: ${(err as Error).message}` };
  }
}

/**
 * Reads a conversation's day files into its messages in ts order. A file that is not a JSON
 * array, a record that is not a message, and a second record with the same ts are skipped.
 */
export async function readConversation(
  source: ExportSource,
  dayFiles: string[],
  display: (path: string) => string,
  skip: SkipLog,
): Promise<ParsedMessage[]> {
  const parsed: ParsedMessage[] = [];
  for (const file of dayFiles) {
    const path = display(file);
    const json = await readJson(source, file);
    if ('error' in json) {
      skip.add({ path, reason: json.error });
      continue;
    }
    if (!Array.isArray(json.value)) {
      skip.add({ path, reason: 'not an array of messages' });
      continue;
    }
    json.value.forEach((record: unknown, index) => {
      const result = SlackMessageSchema.safeParse(record);
      if (!result.success) {
        const ts = (record as { ts?: unknown } | null)?.ts;
        skip.add({
          path,
          index,
          ...(typeof ts === 'string' ? { ts } : {}),
          reason: `malformed message: ${describeIssues(result.error)}`,
        });
        return;
      }
      parsed.push({ path, ts: parseTs(result.data.ts)!, message: result.data });
    });
  }
  parsed.sort((a, b) => compareTs(a.ts, b.ts));
  const unique: ParsedMessage[] = [];
  for (const entry of parsed) {
    if (unique.length > 0 && compareTs(unique.at(-1)!.ts, entry.ts) === 0) {
      skip.add({ path: entry.path, ts: entry.message.ts, reason: 'a second message with this ts' });
      continue;
    }
    unique.push(entry);
  }
  return unique;
}

/** What planning looks users up in. */
export interface PlanContext {
  /** Every user by Slack id (or bot id), once ensured. */
  users: Map<string, KnownUser>;
  /** A bot id → the Slack user id of the bot's user in users.json. */
  botUsers: Map<string, string>;
  lookup: NameLookup;
  skip: SkipLog;
}

function isBotRecord(m: SlackMessage): boolean {
  return m.subtype === 'bot_message' || (!m.user && m.bot_id !== undefined);
}

/** The Slack id the message's author is known by; `undefined` when it names nobody. */
export function authorRefOf(m: SlackMessage, ctx: Pick<PlanContext, 'users' | 'botUsers'>) {
  if (isBotRecord(m)) {
    if (m.user && ctx.users.has(m.user)) return m.user;
    if (m.bot_id) return ctx.botUsers.get(m.bot_id) ?? m.bot_id;
  }
  if (m.user) return m.user;
  if (m.subtype !== undefined && !userSubtypes.has(m.subtype)) return slackbotId;
  return undefined;
}

/**
 * Users a conversation's messages name that users.json does not: bots known only by their
 * bot id, Slackbot, people from other workspaces. They are created deactivated, since nobody
 * can sign in as them.
 */
export function collectPlaceholders(
  parsed: ParsedMessage[],
  extraRefs: string[],
  ctx: Pick<PlanContext, 'users' | 'botUsers'>,
  at: number,
): UserSpec[] {
  const specs = new Map<string, UserSpec>();
  const want = (ref: string, m?: SlackMessage) => {
    if (ctx.users.has(ref) || specs.has(ref)) return;
    const isBotId = m !== undefined && isBotRecord(m) && ref === m.bot_id;
    const profile = isBotId ? undefined : m?.user === ref ? m.user_profile : undefined;
    const label = isBotId
      ? (m.bot_profile?.name ?? m.username)
      : ref === slackbotId
        ? 'slackbot'
        : profile?.name;
    specs.set(ref, {
      externalId: ref,
      baseName: toStekName(label, ref),
      displayName:
        (isBotId ? m.username : profile?.display_name || profile?.real_name) || label || ref,
      isAdmin: false,
      isBot: isBotId || ref === slackbotId,
      deactivatedAt: at,
    });
  };
  for (const ref of extraRefs) want(ref);
  for (const { message } of parsed) {
    const author = authorRefOf(message, ctx);
    if (author) want(author, message);
    for (const reaction of message.reactions ?? []) for (const user of reaction.users) want(user);
  }
  return [...specs.values()];
}

function describeAttachments(m: SlackMessage, convert: (text: string) => string): string[] {
  const lines: string[] = [];
  for (const file of m.files ?? []) {
    const label = file.title || file.name || 'file';
    const url = file.permalink || file.url_private;
    lines.push(url ? `File: ${label} (${url})` : `File: ${label}`);
  }
  for (const item of m.attachments ?? []) {
    // An unfurled link repeats a URL the text has already.
    const unfurled = item.from_url ?? item.original_url;
    if (unfurled && m.text.includes(unfurled)) continue;
    const title = item.title
      ? convert(item.title_link ? `${item.title} (${item.title_link})` : item.title)
      : '';
    const parts = [convert(item.pretext ?? ''), title, convert(item.text ?? '')];
    const text =
      parts
        .map((part) => part.trim())
        .filter(Boolean)
        .join('\n') || convert(item.fallback ?? '').trim();
    if (text) lines.push(text);
  }
  return lines;
}

function normalizeEmoji(name: string): string | undefined {
  const emoji = name.replace(/::skin-tone-\d$/, '').trim();
  return emoji.length > 0 && emoji.length <= 64 && !/[\s/:]/.test(emoji) ? emoji : undefined;
}

function truncate(text: string): string {
  return text.length <= maxMessageLength ? text : `${text.slice(0, maxMessageLength - 1)}…`;
}

/**
 * Turns a parsed record into what stek stores, or `undefined` (the reason logged) when there is
 * nothing to store. Needs every referenced user ensured first, for their names.
 */
export function planMessage(entry: ParsedMessage, ctx: PlanContext): PlannedMessage | undefined {
  const { message: m, path } = entry;
  const skipped = (reason: string) => {
    ctx.skip.add({ path, ts: m.ts, reason });
    return undefined;
  };
  if (m.type !== undefined && m.type !== 'message') return skipped(`a '${m.type}' record`);
  if (m.subtype && updateSubtypes.has(m.subtype)) {
    return skipped(`'${m.subtype}' records a change to another message`);
  }
  const authorRef = authorRefOf(m, ctx);
  if (!authorRef) return skipped('names no author');

  const convert = (text: string) => convertSlackText(text, ctx.lookup);
  const mention = (ref: string) => `@${ctx.users.get(ref)?.name ?? ref}`;
  const bot = isBotRecord(m) || ctx.users.get(authorRef)?.isBot === true;
  const deleted = m.subtype === 'tombstone';
  let text: string;
  let subtype: PlannedMessage['subtype'];
  if (deleted) {
    text = '';
    subtype = null;
  } else if (m.subtype && isKnownSystemSubtype(m.subtype)) {
    text = renderSystemText(m.subtype, mention(authorRef), m, { mention, convert });
    subtype = 'system';
  } else if (m.subtype && m.subtype !== 'bot_message' && !userSubtypes.has(m.subtype)) {
    // An unknown subtype: Slack's own words for it, kept out of the users' text.
    text = convert(m.text).trim();
    subtype = 'system';
    if (!text) return skipped(`'${m.subtype}' record without text`);
  } else {
    text = [convert(m.text).trim(), ...describeAttachments(m, convert)].filter(Boolean).join('\n');
    subtype = bot ? 'bot' : null;
    if (!text) return skipped('no text, file or attachment');
  }

  const threadTs = m.thread_ts === undefined ? undefined : parseTs(m.thread_ts);
  const reactions: PlannedMessage['reactions'] = [];
  const seen = new Set<string>();
  for (const reaction of deleted ? [] : (m.reactions ?? [])) {
    const emoji = normalizeEmoji(reaction.name);
    if (!emoji) {
      ctx.skip.add({ path, ts: m.ts, reason: `reaction '${reaction.name}' is not an emoji name` });
      continue;
    }
    for (const userRef of reaction.users) {
      const key = `${userRef} ${emoji}`;
      if (seen.has(key)) continue;
      seen.add(key);
      reactions.push({ emoji, userRef });
    }
  }
  const createdAt = tsToMillis(entry.ts);
  return {
    ts: entry.ts,
    path,
    authorRef,
    text: truncate(text),
    subtype,
    threadTs: threadTs && threadTs.key !== entry.ts.key ? threadTs.key : null,
    createdAt,
    editedAt: tsTextToMillis(m.edited?.ts),
    deleted,
    archives: isArchiveSubtype(m.subtype),
    reactions,
  };
}
