// Search: the query, its results page by page, and the facets. Kept beside the chat store, which
// owns the snapshot this state lives in.
import type { SearchResult, StekClient } from '../../../src/client/index.ts';
import { StekApiError } from '../../../src/client/index.ts';

export interface SearchState {
  open: boolean;
  query: string;
  sort: 'relevance' | 'newest';
  loading: boolean;
  results: SearchResult['results'];
  total: number;
  totalIsExact: boolean;
  facets: SearchResult['facets'];
  /** False when the search matched too much for facets to be counted. */
  facetsCounted: boolean;
  nextCursor: string | null;
  error: string | null;
  /** Where in the query the API found a problem (0-based), for `invalid_query`. */
  errorPosition: number | null;
}

export interface SearchActionsDeps {
  client: StekClient;
  getState: () => SearchState | null;
  setState: (state: SearchState | null) => void;
}

/** A search state's result fields when there is nothing to show. */
const noResults = {
  results: [],
  total: 0,
  totalIsExact: true,
  facets: { channels: [], authors: [] },
  facetsCounted: true,
  nextCursor: null,
} satisfies Partial<SearchState>;

/** The search actions: run a query, load the next page, open and close the results. */
export function createSearchActions(deps: SearchActionsDeps) {
  const { client, getState, setState } = deps;
  let generation = 0;

  function base(): SearchState {
    return (
      getState() ?? {
        open: true,
        query: '',
        sort: 'relevance',
        loading: false,
        ...noResults,
        error: null,
        errorPosition: null,
      }
    );
  }

  function describeError(error: unknown): Pick<SearchState, 'error' | 'errorPosition'> {
    if (error instanceof StekApiError) {
      const details = error.details as { position?: number } | undefined;
      const position = typeof details?.position === 'number' ? details.position : null;
      if (error.code === 'search_unavailable') {
        return {
          error: 'Search is not available right now. Try again shortly.',
          errorPosition: null,
        };
      }
      return { error: error.message, errorPosition: position };
    }
    return { error: error instanceof Error ? error.message : String(error), errorPosition: null };
  }

  async function search(query: string, sort: SearchState['sort'] = base().sort) {
    const q = query.trim();
    const mine = ++generation;
    if (!q) {
      // No query: no results, and none of the last query's facets or cursor either.
      setState({ ...base(), open: true, query, ...noResults, error: null });
      return;
    }
    setState({ ...base(), open: true, query, sort, loading: true, error: null });
    try {
      const page = await client.search({ q, sort, limit: 20 });
      if (mine !== generation) return;
      setState({
        ...base(),
        loading: false,
        results: page.results,
        total: page.total,
        totalIsExact: page.totalIsExact,
        facets: page.facets,
        facetsCounted: page.facetsCounted,
        nextCursor: page.nextCursor,
        errorPosition: null,
      });
    } catch (error) {
      if (mine !== generation) return;
      setState({
        ...base(),
        loading: false,
        ...noResults,
        ...describeError(error),
      });
    }
  }

  async function searchMore() {
    const current = getState();
    if (!current?.nextCursor || current.loading) return;
    const mine = ++generation;
    setState({ ...current, loading: true });
    try {
      const page = await client.search({
        q: current.query.trim(),
        sort: current.sort,
        cursor: current.nextCursor,
        limit: 20,
      });
      if (mine !== generation) return;
      const seen = new Set(current.results.map((r) => r.message.id));
      setState({
        ...base(),
        loading: false,
        results: [...current.results, ...page.results.filter((r) => !seen.has(r.message.id))],
        nextCursor: page.nextCursor,
      });
    } catch (error) {
      if (mine !== generation) return;
      setState({ ...base(), loading: false, ...describeError(error) });
    }
  }

  return {
    search,
    searchMore,
    openSearch: () => setState({ ...base(), open: true }),
    closeSearch: () => {
      const current = getState();
      if (current) setState({ ...current, open: false });
    },
  };
}
