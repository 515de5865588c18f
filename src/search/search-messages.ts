import { and, inArray, isNull } from 'drizzle-orm';
import type { Actor, ChatContext } from '../chat/context.ts';
import { readableChannelIds } from '../chat/channels.ts';
import { channels, messages, users } from '../db/schema.ts';
import { ApiError } from '../lib/errors.ts';
import type { FacetCount, OriginSearchRequest, SearchSort } from './contract.ts';
import { SearchRejectedError, SearchUnavailableError, type SearchOrigin } from './origin-client.ts';
import { parseSearchQuery } from './query.ts';
import { renderPlainSnippet, renderSnippet } from './snippet.ts';

export interface SearchMessagesInput {
  q: string;
  sort?: SearchSort;
  cursor?: string;
  limit?: number;
}

export interface SearchResult {
  message: {
    id: string;
    channelId: string;
    seq: number;
    authorId: string;
    text: string;
    createdAt: string;
    threadId: string | null;
  };
  channel: { id: string; name: string };
  author: { id: string; name: string };
  /** HTML: escaped text with `<mark>` around what matched. */
  snippet: string;
}

export interface NamedFacet {
  id: string;
  name: string;
  count: number;
}

export interface SearchPage {
  results: SearchResult[];
  /** How many messages match in all (before paging); at least this many unless `totalIsExact`. */
  total: number;
  /** False for a broad search whose matches were counted only up to a bound. */
  totalIsExact: boolean;
  nextCursor: string | null;
  /** Whether `facets` were counted (first page, exact total within the bound). */
  facetsCounted: boolean;
  facets: { channels: NamedFacet[]; authors: NamedFacet[] };
}

const emptyPage = (): SearchPage => ({
  results: [],
  total: 0,
  totalIsExact: true,
  nextCursor: null,
  facetsCounted: true,
  facets: { channels: [], authors: [] },
});

function unavailable(err: unknown): ApiError {
  return new ApiError(
    503,
    'search_unavailable',
    'search is unavailable right now; try again soon',
    {
      reason: err instanceof Error ? err.name : 'unknown',
    },
  );
}

/**
 * Searches the messages the actor can read. The query is parsed here, names resolve to ids
 * here, and the origin gets the readable-channel set to filter by; results are then checked
 * against the database again, so a message deleted or a channel left since it was indexed
 * never shows.
 */
export async function searchMessages(
  ctx: ChatContext,
  origin: SearchOrigin | undefined,
  actor: Actor,
  input: SearchMessagesInput,
): Promise<SearchPage> {
  const parsed = parseSearchQuery(input.q);
  if (!parsed.ok) {
    const { message, token, position } = parsed.problem;
    throw new ApiError(400, 'invalid_query', message, { token, position });
  }
  if (!origin) {
    // Not an outage: this deployment runs without search (e.g. `stek serve`).
    throw new ApiError(503, 'search_unavailable', 'search is not configured on this server', {
      reason: 'not_configured',
    });
  }
  const query = parsed.query;
  const tx = ctx.db.read;

  const readable = await readableChannelIds(ctx, actor);
  if (readable.length === 0) return emptyPage();
  const readableSet = new Set(readable);

  let channelIds: string[] | undefined;
  if (query.channelNames.length > 0) {
    const rows = await tx
      .select({ id: channels.id })
      .from(channels)
      .where(inArray(channels.name, [...new Set(query.channelNames)]));
    // A channel the caller cannot read is treated exactly like one that does not exist.
    channelIds = rows.map((r) => r.id).filter((id) => readableSet.has(id));
    if (channelIds.length === 0) return emptyPage();
  }
  let authorIds: string[] | undefined;
  if (query.userNames.length > 0) {
    const rows = await tx
      .select({ id: users.id })
      .from(users)
      .where(inArray(users.name, [...new Set(query.userNames)]));
    authorIds = rows.map((r) => r.id);
    if (authorIds.length === 0) return emptyPage();
  }

  const request: OriginSearchRequest = {
    readableChannelIds: readable,
    must: query.must,
    not: query.not,
    filters: {
      channelIds,
      authorIds,
      createdFrom: query.createdFrom,
      createdBefore: query.createdBefore,
      hasLink: query.hasLink,
      isThread: query.isThread,
    },
    sort: input.sort ?? 'relevance',
    limit: input.limit ?? 20,
    cursor: input.cursor,
  };
  let answer;
  try {
    answer = await origin.search(request);
  } catch (err) {
    if (err instanceof SearchUnavailableError) throw unavailable(err);
    if (err instanceof SearchRejectedError && err.code === 'invalid_cursor') {
      throw new ApiError(400, 'invalid_cursor', 'the cursor is not valid for this search');
    }
    throw err;
  }

  const ids = answer.hits.map((h) => h.id);
  const rows =
    ids.length === 0
      ? []
      : await tx
          .select()
          .from(messages)
          .where(and(inArray(messages.id, ids), isNull(messages.deletedAt)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const channelIdsSeen = new Set([
    ...rows.map((r) => r.channelId),
    ...answer.facets.channels.map((f) => f.id),
  ]);
  const userIdsSeen = new Set([
    ...rows.map((r) => r.authorId),
    ...answer.facets.authors.map((f) => f.id),
  ]);
  const [channelRows, userRows] = await Promise.all([
    channelIdsSeen.size === 0
      ? []
      : tx
          .select({ id: channels.id, name: channels.name })
          .from(channels)
          .where(inArray(channels.id, [...channelIdsSeen])),
    userIdsSeen.size === 0
      ? []
      : tx
          .select({ id: users.id, name: users.name })
          .from(users)
          .where(inArray(users.id, [...userIdsSeen])),
  ]);
  const channelNames = new Map(channelRows.map((r) => [r.id, r.name]));
  const userNames = new Map(userRows.map((r) => [r.id, r.name]));

  const results: SearchResult[] = [];
  for (const hit of answer.hits) {
    const row = byId.get(hit.id);
    if (!row || !readableSet.has(row.channelId)) continue;
    results.push({
      message: {
        id: row.id,
        channelId: row.channelId,
        seq: row.seq,
        authorId: row.authorId,
        text: row.text,
        createdAt: new Date(row.createdAt).toISOString(),
        threadId: row.threadId,
      },
      channel: { id: row.channelId, name: channelNames.get(row.channelId) ?? '' },
      author: { id: row.authorId, name: userNames.get(row.authorId) ?? '' },
      snippet: hit.snippet ? renderSnippet(hit.snippet) : renderPlainSnippet(row.text),
    });
  }
  const name = (names: Map<string, string>) => (f: FacetCount) => ({
    id: f.id,
    name: names.get(f.id) ?? '',
    count: f.count,
  });
  return {
    results,
    total: answer.total,
    totalIsExact: answer.totalIsExact,
    nextCursor: answer.nextCursor,
    facetsCounted: answer.facetsCounted,
    facets: {
      channels: answer.facets.channels.filter((f) => readableSet.has(f.id)).map(name(channelNames)),
      authors: answer.facets.authors.map(name(userNames)),
    },
  };
}
