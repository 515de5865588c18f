import type { z } from 'zod';
import type { Database } from '../../db/database.ts';
import { chunkArray } from './batch.ts';
import {
  ensureConversation,
  folderCandidates,
  isDirect,
  planConversationNames,
  type ConversationSpec,
  type ConversationValues,
} from './conversations.ts';
import type { ExportSource } from './export-source.ts';
import { readLayout, type ExportLayout } from './layout.ts';
import { toStekName } from './names.ts';
import {
  collectPlaceholders,
  readJson,
  planMessage,
  readConversation,
  type PlanContext,
  type PlannedMessage,
} from './plan-messages.ts';
import {
  describeIssues,
  SlackConversationSchema,
  SlackUserSchema,
  type SlackConversation,
  type SlackUser,
} from './schemas.ts';
import {
  addCounts,
  createSkipLog,
  emptyCounts,
  type ImportCounts,
  type ImportSummary,
  type SkipLog,
} from './summary.ts';
import { convertSlackText, type NameLookup } from './text.ts';
import { ensureUsers, type KnownUser, type UserSpec } from './users.ts';
import { writeMessageChunk, type ConversationWriter } from './write-messages.ts';

export interface ImportProgress {
  phase: 'users' | 'conversations' | 'done';
  conversationsDone: number;
  conversationsTotal: number;
  /** Day files read so far, of all the export's day files. */
  filesDone: number;
  filesTotal: number;
  /** Messages written, or found from an earlier run, so far. */
  messages: number;
  /** The stek name of the conversation being imported. */
  conversation?: string;
  /** Set on the report that ends a conversation. */
  finished?: boolean;
}

export interface ImportSlackOptions {
  db: Database;
  source: ExportSource;
  now?: () => number;
  onProgress?: (progress: ImportProgress) => void;
  /** Messages per write transaction (default 2000). */
  chunkSize?: number;
}

/** Thrown when the source holds nothing that looks like a Slack export. */
export class InvalidExportError extends Error {
  override name = 'InvalidExportError';
}

const defaultChunkSize = 2000;
const maxTopicLength = 250;

async function readList<T>(
  source: ExportSource,
  layout: ExportLayout,
  name: string,
  schema: z.ZodType<T>,
  skip: SkipLog,
): Promise<T[]> {
  const path = layout.lists.get(name);
  if (!path) return [];
  const json = await readJson(source, path);
  if ('error' in json) {
    skip.add({ path: name, reason: json.error });
    return [];
  }
  if (!Array.isArray(json.value)) {
    skip.add({ path: name, reason: 'not an array' });
    return [];
  }
  const entries: T[] = [];
  json.value.forEach((entry: unknown, index) => {
    const result = schema.safeParse(entry);
    if (result.success) entries.push(result.data);
    else
      skip.add({ path: name, index, reason: `malformed entry: ${describeIssues(result.error)}` });
  });
  return entries;
}

function toUserSpec(user: SlackUser, at: number): UserSpec {
  const displayName =
    user.profile?.display_name || user.profile?.real_name || user.real_name || user.name || user.id;
  return {
    externalId: user.id,
    baseName: toStekName(user.name, user.id),
    displayName: displayName.trim().slice(0, 80),
    isAdmin: Boolean(user.is_admin || user.is_owner || user.is_primary_owner),
    isBot: Boolean(user.is_bot),
    deactivatedAt: user.deleted ? (user.updated ? user.updated * 1000 : at) : null,
  };
}

function toConversationSpec(
  entry: SlackConversation,
  slackKind: ConversationSpec['slackKind'],
  listPath: string,
): ConversationSpec {
  return {
    externalId: entry.id,
    slackKind,
    listPath,
    slackName: entry.name,
    isPrivate: slackKind !== 'channel',
    topic: entry.topic?.value ?? '',
    purpose: entry.purpose?.value ?? '',
    createdAt: entry.created ? entry.created * 1000 : null,
    creator: entry.creator,
    members: entry.members ?? [],
    isArchived: Boolean(entry.is_archived),
  };
}

const listKinds: Array<[string, ConversationSpec['slackKind']]> = [
  ['channels.json', 'channel'],
  ['groups.json', 'group'],
  ['dms.json', 'dm'],
  ['mpims.json', 'mpim'],
];

function conversationValues(
  spec: ConversationSpec,
  planned: PlannedMessage[],
  name: string,
  users: Map<string, KnownUser>,
  lookup: NameLookup,
  at: number,
): ConversationValues {
  let memberRefs = spec.members;
  if (memberRefs.length === 0 && isDirect(spec)) {
    memberRefs = [
      ...new Set(planned.filter((m) => m.subtype !== 'system').map((m) => m.authorRef)),
    ];
  }
  const createdAt = spec.createdAt ?? planned[0]?.createdAt ?? at;
  const last = planned.at(-1)?.createdAt;
  const archivedBy = planned.findLast((m) => m.archives)?.createdAt;
  return {
    name,
    topic: convertSlackText(spec.topic || spec.purpose, lookup)
      .trim()
      .slice(0, maxTopicLength),
    memberIds: memberRefs.map((ref) => users.get(ref)!.id),
    createdBy: spec.creator ? (users.get(spec.creator)?.id ?? null) : null,
    createdAt,
    archivedAt: spec.isArchived ? (archivedBy ?? last ?? createdAt) : null,
  };
}

/**
 * Imports a Slack workspace export into stek. Users, channels, direct conversations, messages,
 * threads, reactions and channel history all land through the channel's event log, as if they
 * had happened in stek. Running it again over the same export changes nothing. A file or
 * record that cannot be read is skipped and listed in the summary, never fatal.
 */
export async function importSlackExport(options: ImportSlackOptions): Promise<ImportSummary> {
  const { db, source } = options;
  const now = options.now ?? Date.now;
  const chunkSize = options.chunkSize ?? defaultChunkSize;
  const at = now();
  const skip = createSkipLog();
  const created = emptyCounts();
  const existing = emptyCounts();

  const files = await source.listFiles();
  const layout = readLayout(files);
  if (!layout) {
    throw new InvalidExportError(
      'not a Slack export: no users.json, channels.json, groups.json, dms.json or mpims.json',
    );
  }
  for (const item of layout.unknown) skip.add(item);
  const display = (path: string) => path.slice(layout.root.length);

  const progress: ImportProgress = {
    phase: 'users',
    conversationsDone: 0,
    conversationsTotal: 0,
    filesDone: 0,
    filesTotal: 0,
    messages: 0,
  };
  const report = (patch: Partial<ImportProgress>) => {
    Object.assign(progress, patch);
    options.onProgress?.({ ...progress });
  };
  report({});

  const slackUsers = await readList(source, layout, 'users.json', SlackUserSchema, skip);
  const users = new Map<string, KnownUser>();
  const ensured = await ensureUsers(
    db,
    slackUsers.map((user) => toUserSpec(user, at)),
    users,
    at,
  );
  created.users += ensured.created;
  existing.users += ensured.existing;
  const botUsers = new Map<string, string>();
  for (const user of slackUsers)
    if (user.profile?.bot_id) botUsers.set(user.profile.bot_id, user.id);

  const specs: ConversationSpec[] = [];
  const seen = new Set<string>();
  for (const [listName, kind] of listKinds) {
    const entries = await readList(source, layout, listName, SlackConversationSchema, skip);
    entries.forEach((entry, index) => {
      if (seen.has(entry.id)) {
        skip.add({ path: listName, index, reason: `conversation ${entry.id} is listed twice` });
        return;
      }
      seen.add(entry.id);
      specs.push(toConversationSpec(entry, kind, listName));
    });
  }

  const folders = new Map<string, string>();
  const used = new Set<string>();
  for (const spec of specs) {
    const folder = folderCandidates(spec).find((f) => layout.folders.has(f) && !used.has(f));
    if (folder === undefined) continue;
    folders.set(spec.externalId, folder);
    used.add(folder);
  }
  for (const folder of layout.folders.keys()) {
    if (!used.has(folder)) {
      skip.add({ path: `${folder}/`, reason: 'no conversation in the list files has this folder' });
    }
  }

  const names = await planConversationNames(db.read, specs);
  const lookup: NameLookup = {
    userName: (id) => users.get(id)?.name,
    channelName: (id) => names.get(id),
  };
  const plan: PlanContext = { users, botUsers, lookup, skip };
  let filesTotal = 0;
  for (const folder of folders.values()) filesTotal += layout.folders.get(folder)!.length;
  report({ phase: 'conversations', conversationsTotal: specs.length, filesTotal });

  for (const spec of specs) {
    const folder = folders.get(spec.externalId);
    const name = names.get(spec.externalId)!;
    const days = folder === undefined ? [] : layout.folders.get(folder)!;
    report({ conversation: name, finished: false });
    const counts = await importConversation(spec, name, days);
    addCounts(created, counts.created);
    addCounts(existing, counts.existing);
    report({
      conversationsDone: progress.conversationsDone + 1,
      filesDone: progress.filesDone + days.length,
      finished: true,
    });
  }

  async function importConversation(spec: ConversationSpec, name: string, days: string[]) {
    const result = { created: emptyCounts(), existing: emptyCounts() };
    const parsed = await readConversation(source, days, display, skip);
    const extraRefs = [...spec.members, ...(spec.creator ? [spec.creator] : [])];
    const placeholders = collectPlaceholders(parsed, extraRefs, plan, at);
    const ensuredPlaceholders = await ensureUsers(db, placeholders, users, at);
    result.created.users += ensuredPlaceholders.created;
    result.existing.users += ensuredPlaceholders.existing;
    const planned = parsed
      .map((entry) => planMessage(entry, plan))
      .filter((m): m is PlannedMessage => m !== undefined);

    const where = folder(spec, days);
    let writer: ConversationWriter;
    try {
      const values = conversationValues(spec, planned, name, users, lookup, at);
      const conversation = await ensureConversation(db, spec, values, at);
      const kind: keyof ImportCounts = isDirect(spec) ? 'dms' : 'channels';
      (conversation.created ? result.created : result.existing)[kind] += 1;
      result.created.members += conversation.membersAdded;
      result.existing.members += conversation.membersExisting;
      writer = {
        channelId: conversation.channelId,
        channelExternalId: spec.externalId,
        mayHaveMessages: !conversation.created,
        placed: new Map(),
      };
    } catch (err) {
      skip.add({ path: where, reason: `conversation not written: ${(err as Error).message}` });
      return result;
    }

    for (const chunk of chunkArray(planned, chunkSize)) {
      try {
        const written = await writeMessageChunk(db, writer, chunk, users);
        addCounts(result.created, written.created);
        addCounts(result.existing, written.existing);
      } catch (err) {
        // The chunk's transaction rolled back whole; later chunks can still land.
        skip.add({
          path: where,
          ts: chunk[0]!.ts.key,
          reason: `${chunk.length} messages not written: ${(err as Error).message}`,
        });
      }
      report({ messages: progress.messages + chunk.length });
    }
    return result;
  }

  function folder(spec: ConversationSpec, days: string[]): string {
    return days.length > 0 ? `${display(days[0]!).split('/')[0]}/` : spec.listPath;
  }

  report({ phase: 'done', conversation: undefined, finished: undefined });
  return {
    created,
    existing,
    skippedCount: skip.count,
    skipped: skip.items,
    files: files.length,
    durationMs: now() - at,
  };
}
