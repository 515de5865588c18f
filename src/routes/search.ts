import { createRoute, z } from '@hono/zod-openapi';
import { searchMessages } from '../search/search-messages.ts';
import type { App, AppDeps } from './env.ts';
import { ErrorBody, errorResponses, json } from './schemas.ts';

const Named = z.object({ id: z.string(), name: z.string() });
const Facet = Named.extend({ count: z.number().int() });

const SearchPage = z
  .object({
    results: z.array(
      z.object({
        message: z.object({
          id: z.string(),
          channelId: z.string(),
          seq: z.number().int(),
          authorId: z.string(),
          text: z.string(),
          createdAt: z.string(),
          threadId: z.string().nullable(),
        }),
        channel: Named,
        author: Named,
        snippet: z.string().openapi({ description: 'HTML: escaped text, hits in <mark>' }),
      }),
    ),
    total: z.number().int().openapi({
      description: 'how many messages match; at least this many when totalIsExact is false',
    }),
    totalIsExact: z.boolean().openapi({
      description: 'false for a broad search: matches are counted exactly only up to 10,000',
    }),
    nextCursor: z.string().nullable(),
    facetsCounted: z.boolean().openapi({
      description:
        'whether facets were counted: on the first page of a search with an exact total of at most 10,000 matches',
    }),
    facets: z.object({ channels: z.array(Facet), authors: z.array(Facet) }),
  })
  .openapi('SearchPage');

const search = createRoute({
  method: 'get',
  path: '/search',
  tags: ['search'],
  summary: 'Full-text search over the messages the caller can read (syntax: docs/search.md)',
  request: {
    query: z.object({
      q: z.string().min(1).max(1000),
      sort: z.enum(['relevance', 'newest']).default('relevance'),
      cursor: z.string().min(1).max(2048).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
  },
  responses: {
    200: json(SearchPage),
    ...errorResponses,
    503: {
      description: 'search is unavailable',
      content: { 'application/json': { schema: ErrorBody } },
    },
  },
});

/** `GET /v1/search`. Without `deps.search` every search answers 503 `search_unavailable`. */
export function registerSearchRoutes(app: App, deps: AppDeps): void {
  app.openapi(search, async (c) => {
    const page = await searchMessages(
      deps.chat,
      deps.search?.origin,
      c.get('auth'),
      c.req.valid('query'),
    );
    return c.json(page, 200);
  });
}
