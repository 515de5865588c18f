import { z } from 'zod';

/**
 * What the edge and the search origin say to each other. Both sides validate with these
 * schemas; the origin compiles only these parsed values into Solr syntax.
 */

/** Ids travel into Solr filters, so they are held to a character set with no syntax in it. */
export const SearchId = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'not an id');

/** One search term: a word, an exact phrase, or a word prefix (`deploy*`). */
export const SearchClause = z.object({
  kind: z.enum(['word', 'phrase', 'prefix']),
  value: z.string().min(1).max(512),
});
export type SearchClause = z.infer<typeof SearchClause>;

export const SearchFilters = z.object({
  /** Only these channels (already narrowed to readable ones at the edge). */
  channelIds: z.array(SearchId).min(1).max(100).optional(),
  authorIds: z.array(SearchId).min(1).max(100).optional(),
  /** Inclusive lower bound on created_at, ISO instant. */
  createdFrom: z.iso.datetime().optional(),
  /** Exclusive upper bound on created_at, ISO instant. */
  createdBefore: z.iso.datetime().optional(),
  hasLink: z.boolean().optional(),
  isThread: z.boolean().optional(),
});
export type SearchFilters = z.infer<typeof SearchFilters>;

export const SearchSort = z.enum(['relevance', 'newest']);
export type SearchSort = z.infer<typeof SearchSort>;

export const OriginSearchRequest = z.object({
  /** The caller's readable channels. The origin always filters by them and refuses without. */
  readableChannelIds: z.array(SearchId).min(1).max(100_000),
  must: z.array(SearchClause).max(32),
  not: z.array(SearchClause).max(32),
  filters: SearchFilters,
  sort: SearchSort,
  limit: z.number().int().min(1).max(100),
  /** An opaque cursor from a previous response (signed by the origin). */
  cursor: z.string().min(1).max(2048).optional(),
});
export type OriginSearchRequest = z.infer<typeof OriginSearchRequest>;

/** Highlight markers inside `snippet`: private-use characters the edge turns into `<mark>`. */
export const markStart = '\uE000';
export const markEnd = '\uE001';

export interface OriginSearchHit {
  id: string;
  channelId: string;
  authorId: string;
  /** The matched part of the text, raw (not HTML-escaped), with `markStart`/`markEnd` around hits. */
  snippet: string | null;
  score: number | null;
}

export interface FacetCount {
  id: string;
  count: number;
}

export interface OriginSearchResponse {
  hits: OriginSearchHit[];
  /** How many messages match; when `totalIsExact` is false, at least this many. */
  total: number;
  totalIsExact: boolean;
  nextCursor: string | null;
  /**
   * Whether `facets` were counted: on the first page of a search with an exact total within the
   * origin's bound. Otherwise both lists are empty.
   */
  facetsCounted: boolean;
  facets: { channels: FacetCount[]; authors: FacetCount[] };
}

/** A message as indexed: one version of it, produced by the event with seq `version`. */
export const IndexDocument = z.object({
  id: SearchId,
  channelId: SearchId,
  authorId: SearchId,
  threadId: SearchId.nullable(),
  seq: z.number().int().min(0),
  isThread: z.boolean(),
  hasLink: z.boolean(),
  createdAt: z.iso.datetime(),
  text: z.string().max(100_000),
  version: z.number().int().min(1),
});
export type IndexDocument = z.infer<typeof IndexDocument>;

/** A delete: leaves a tombstone at `version` so older versions cannot come back. */
export const IndexDelete = z.object({
  id: SearchId,
  channelId: SearchId,
  version: z.number().int().min(1),
});
export type IndexDelete = z.infer<typeof IndexDelete>;

export const UpsertRequest = z.object({ documents: z.array(IndexDocument).max(10_000) });
export const DeleteRequest = z.object({ deletes: z.array(IndexDelete).max(10_000) });
/** Removes a channel's documents below a version: what a rebuild did not rewrite is stale. */
export const PruneRequest = z.object({
  channelId: SearchId,
  belowVersion: z.number().int().min(1),
});
export type PruneRequest = z.infer<typeof PruneRequest>;
