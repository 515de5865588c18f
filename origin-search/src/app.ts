import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import {
  DeleteRequest,
  OriginSearchRequest,
  PruneRequest,
  UpsertRequest,
  type FacetCount,
  type IndexDocument,
  type OriginSearchResponse,
} from '../../src/search/contract.ts';
import {
  compileFacets,
  compileSearch,
  defaultExactCountBound,
  firstCursorMark,
  quoteValue,
} from './compile.ts';
import { createCursorSigner } from './cursor.ts';
import { SolrError, SolrUnavailableError, type SolrDoc, type SolrIndex } from './solr.ts';

/** One structured log line; the main decides where it goes. */
export type OriginLogFn = (entry: Record<string, unknown>) => void;

export interface OriginAppOptions {
  solr: SolrIndex;
  /** The shared secret the edge sends as `Authorization: Bearer <secret>`. */
  secret: string;
  log?: OriginLogFn;
  /** How soon an indexed document must be searchable; Solr soft-commits within this. */
  commitWithinMs?: number;
  /**
   * Matches are counted exactly up to this many, and facets are counted only for searches with
   * at most this many matches (10,000 by default).
   */
  exactCountBound?: number;
}

/** A refusal in the origin's JSON envelope. */
export class OriginError extends Error {
  override name = 'OriginError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type OriginEnv = { Variables: { requestId: string } };

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new OriginError(400, 'invalid_json', 'the request body is not valid JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'body';
    throw new OriginError(400, 'invalid_request', `${field}: ${issue?.message ?? 'invalid'}`, {
      issues: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

function toSolrDoc(doc: IndexDocument): SolrDoc {
  return {
    id: doc.id,
    version: doc.version,
    deleted: false,
    channel_id: doc.channelId,
    author_id: doc.authorId,
    thread_id: doc.threadId ?? undefined,
    seq: doc.seq,
    is_thread: doc.isThread,
    has_link: doc.hasLink,
    created_at: doc.createdAt,
    text: doc.text,
  };
}

function toFacets(flat: Array<string | number> | undefined): FacetCount[] {
  const counts: FacetCount[] = [];
  for (let i = 0; flat && i + 1 < flat.length; i += 2) {
    counts.push({ id: String(flat[i]), count: Number(flat[i + 1]) });
  }
  return counts;
}

function pickSnippet(fields: Record<string, string[]> | undefined): string | null {
  if (!fields) return null;
  for (const name of ['text', 'text_ident', 'text_cjk']) {
    const first = fields[name]?.[0];
    if (first) return first;
  }
  return null;
}

/**
 * The search origin: the only thing that talks to Solr. It indexes what the edge sends (newest
 * version wins, enforced inside Solr), and answers structured queries, always within the
 * caller's readable channels.
 */
export function createOriginApp(options: OriginAppOptions): Hono<OriginEnv> {
  if (!options.secret) throw new TypeError('createOriginApp needs a secret');
  const { solr, log } = options;
  const commitWithinMs = options.commitWithinMs ?? 500;
  const exactCountBound = options.exactCountBound ?? defaultExactCountBound;
  const expectedSecret = digest(options.secret);
  const cursors = createCursorSigner(options.secret);
  const app = new Hono<OriginEnv>();

  app.use(async function requestLog(c, next) {
    const requestId = c.req.header('x-request-id') ?? `org_${randomBytes(8).toString('hex')}`;
    c.set('requestId', requestId);
    const started = performance.now();
    await next();
    c.header('X-Request-Id', requestId);
    log?.({
      level: c.res.status >= 500 ? 'warn' : 'info',
      msg: 'request',
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      requestId,
    });
  });

  app.get('/health', async (c) => {
    const started = performance.now();
    try {
      await solr.ping();
      return c.json({
        status: 'ok',
        solr: { ok: true, ms: Math.round(performance.now() - started) },
      });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      return c.json({ status: 'down', solr: { ok: false, error } }, 503);
    }
  });

  app.use('/v1/*', async function requireSecret(c, next) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), expectedSecret)) {
      throw new OriginError(401, 'unauthorized', 'send Authorization: Bearer <origin secret>');
    }
    await next();
  });
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: 64 * 1024 * 1024,
      onError: () => {
        throw new OriginError(413, 'payload_too_large', 'the request body is too large');
      },
    }),
  );

  app.post('/v1/documents', async (c) => {
    const { documents } = await readJson(c, UpsertRequest);
    await solr.add(documents.map(toSolrDoc), { commitWithinMs });
    return c.json({ accepted: documents.length });
  });

  app.post('/v1/documents/delete', async (c) => {
    const { deletes } = await readJson(c, DeleteRequest);
    const tombstones = deletes.map((d) => ({
      id: d.id,
      version: d.version,
      deleted: true,
      channel_id: d.channelId,
    }));
    await solr.add(tombstones, { commitWithinMs });
    return c.json({ accepted: deletes.length });
  });

  app.post('/v1/documents/prune', async (c) => {
    const { channelId, belowVersion } = await readJson(c, PruneRequest);
    const query = `channel_id:${quoteValue(channelId)} AND version:[* TO ${belowVersion}}`;
    await solr.deleteByQuery(query, { commitWithinMs });
    return c.json({ ok: true });
  });

  app.post('/v1/search', async (c) => {
    const request = await readJson(c, OriginSearchRequest);
    const effectiveSort = request.must.length > 0 ? request.sort : 'newest';
    let mark = firstCursorMark;
    if (request.cursor !== undefined) {
      const verified = cursors.verify(request.cursor, effectiveSort);
      if (verified === null) {
        throw new OriginError(400, 'invalid_cursor', 'the cursor is not one this search issued');
      }
      mark = verified;
    }

    const solrStarted = performance.now();
    const result = await solr.select(compileSearch(request, mark, exactCountBound));
    const found = result.response.numFound;
    // Past the bound Solr skipped matches that could not reach the page: `numFound` is then
    // only a lower bound, and the bound itself is the honest number to report.
    const totalIsExact = result.response.numFoundExact !== false;
    // Facets need every match, so they are a second request, made only when the match set is
    // known to be small; a broader search says it has none counted.
    const facetsCounted = mark === firstCursorMark && totalIsExact && found <= exactCountBound;
    const facetResult =
      facetsCounted && found > 0 ? await solr.select(compileFacets(request)) : null;
    // Where the time went, for profiling from the outside: the Solr round trips and Solr's own
    // handler time, both requests together (the rest is the origin and the network).
    const solrMs = performance.now() - solrStarted;
    const qtimes = [result, facetResult].map((r) => r?.responseHeader?.QTime);
    const qtime = qtimes.every((t) => t === undefined)
      ? undefined
      : qtimes.reduce<number>((sum, t) => sum + (t ?? 0), 0);
    c.header(
      'Server-Timing',
      `solr;dur=${solrMs.toFixed(1)}${qtime === undefined ? '' : `, qtime;dur=${qtime}`}`,
    );

    const docs = result.response.docs;
    const fields = facetResult?.facet_counts?.facet_fields;
    const body: OriginSearchResponse = {
      hits: docs.map((doc) => ({
        id: String(doc.id),
        channelId: String(doc.channel_id),
        authorId: String(doc.author_id),
        snippet: pickSnippet(result.highlighting?.[String(doc.id)]),
        score: typeof doc.score === 'number' ? doc.score : null,
      })),
      total: totalIsExact ? found : Math.min(found, exactCountBound),
      totalIsExact,
      nextCursor:
        docs.length === request.limit && result.nextCursorMark && result.nextCursorMark !== mark
          ? cursors.sign(result.nextCursorMark, effectiveSort)
          : null,
      facetsCounted,
      facets: {
        channels: toFacets(fields?.channel_id),
        authors: toFacets(fields?.author_id),
      },
    };
    return c.json(body);
  });

  app.notFound(() => {
    throw new OriginError(404, 'not_found', 'no such route');
  });
  app.onError(function handleError(err, c) {
    let error: OriginError;
    if (err instanceof OriginError) error = err;
    else if (err instanceof SolrUnavailableError) {
      log?.({ level: 'warn', msg: 'solr unavailable', error: err.message });
      error = new OriginError(503, 'solr_unavailable', 'the search index is not reachable');
    } else if (err instanceof SolrError) {
      log?.({ level: 'warn', msg: 'solr refused', status: err.status, error: err.message });
      error =
        err.status >= 500
          ? new OriginError(503, 'solr_unavailable', 'the search index failed to answer')
          : new OriginError(400, 'search_rejected', 'the search index refused the request');
    } else {
      log?.({ level: 'error', msg: 'unhandled error', error: err.message, stack: err.stack });
      error = new OriginError(500, 'internal', 'something went wrong in the search origin');
    }
    const envelope: Record<string, unknown> = { code: error.code, message: error.message };
    if (error.details !== undefined) envelope.details = error.details;
    return c.json({ error: envelope, requestId: c.get('requestId') }, error.status as 400);
  });
  return app;
}
