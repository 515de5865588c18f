import type {
  OriginSearchRequest,
  SearchClause,
  SearchFilters,
} from '../../src/search/contract.ts';
import { markEnd, markStart } from '../../src/search/contract.ts';
import type { SolrParams } from './solr.ts';

/**
 * Quotes a value as a Lucene phrase: inside quotes only `\` and `"` mean anything, so escaping
 * those two leaves no syntax a value could smuggle in. A one-token value is still a term query.
 */
export function quoteValue(value: string): string {
  return `"${value.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

/**
 * Escapes a value for an unquoted position (a prefix query): every character that is not a
 * letter or a digit gets a backslash, which the classic parser reads as "this character,
 * literally".
 */
export function escapeTerm(value: string): string {
  return value.replace(/[^\p{L}\p{N}]/gu, (ch) => `\\${ch}`);
}

/**
 * Characters `text_cjk` analyses differently from `text`: CJK scripts (bigrams) and the full- and
 * half-width forms (width folding) all sit at or above U+1100 (Hangul Jamo).
 */
const cjkRange = /[\u{1100}-\u{10FFFF}]/u;

/**
 * A prefix made of 1 to 15 ASCII letters and digits is looked up as one term in the edge-n-gram
 * fields (`text_ident_prefix`, `text_cjk_prefix`): those hold the first 1 to 15 characters of
 * exactly the tokens of `text_ident` and `text_cjk`, and for such a prefix the analysis of a
 * prefix query (lowercasing, folding) changes nothing but case. Anything longer, or with other
 * characters (where folding could change the length), is a prefix query as before.
 */
const gramPrefix = /^[A-Za-z0-9]{1,15}$/;

/** The prefix query on the token fields: what the n-gram lookup stands in for. */
function compilePrefixQuery(value: string): string {
  const term = `${escapeTerm(value)}*`;
  return `(text_ident:${term} OR text_cjk:${term})`;
}

/**
 * Where each kind of term is looked for (see the schema for what each field does). A word or
 * phrase with nothing in the CJK range skips `text_cjk`: that field then holds the same standard
 * tokens as `text`, only unstemmed, so every document it would match `text` matches already, and
 * one posting list fewer is read.
 */
function compileClause(clause: SearchClause): string {
  if (clause.kind === 'prefix') {
    if (!gramPrefix.test(clause.value)) return compilePrefixQuery(clause.value);
    const gram = quoteValue(clause.value.toLowerCase());
    return `(text_ident_prefix:${gram} OR text_cjk_prefix:${gram})`;
  }
  const quoted = quoteValue(clause.value);
  if (!cjkRange.test(clause.value)) return `(text:${quoted} OR text_ident:${quoted})`;
  return `(text:${quoted} OR text_ident:${quoted} OR text_cjk:${quoted})`;
}

/**
 * The query the highlighter marks: the required clauses, with prefixes as prefix queries on the
 * stored fields (the n-gram fields are not stored, and their grams are not the words to mark).
 */
function compileHighlightQuery(must: SearchClause[]): string {
  return must
    .map((c) => `+${c.kind === 'prefix' ? compilePrefixQuery(c.value) : compileClause(c)}`)
    .join(' ');
}

/** `{!terms}` takes its values literally after the closing brace; ids hold no commas. */
function termsFilter(field: string, ids: string[]): string {
  return `{!terms f=${field}}${ids.join(',')}`;
}

function isoOf(value: string): string {
  return new Date(value).toISOString();
}

function compileFilters(filters: SearchFilters): string[] {
  const fq: string[] = [];
  if (filters.channelIds) fq.push(termsFilter('channel_id', filters.channelIds));
  if (filters.authorIds) fq.push(termsFilter('author_id', filters.authorIds));
  if (filters.createdFrom || filters.createdBefore) {
    const from = filters.createdFrom ? isoOf(filters.createdFrom) : '*';
    const to = filters.createdBefore ? isoOf(filters.createdBefore) : '*';
    fq.push(`created_at:[${from} TO ${to}}`);
  }
  if (filters.hasLink !== undefined) fq.push(`has_link:${filters.hasLink}`);
  if (filters.isThread !== undefined) fq.push(`is_thread:${filters.isThread}`);
  return fq;
}

const sorts = {
  relevance: 'score desc,created_at desc,id desc',
  newest: 'created_at desc,id desc',
} as const;

/** The cursor mark of a first page. */
export const firstCursorMark = '*';

/**
 * Matches are counted exactly up to this many (by default). Past it Solr may skip documents that
 * cannot reach the page (block-max WAND for relevance, the sort field's index for newest first),
 * and the total it reports is only a lower bound.
 */
export const defaultExactCountBound = 10_000;

/** What {@link compileSearch} and {@link compileFacets} share: the query and its filters. */
function compileMatch(request: OriginSearchRequest): { q: string; fq: string[] } {
  const must = request.must.map((c) => `+${compileClause(c)}`);
  const not = request.not.map((c) => `-${compileClause(c)}`);
  const q = must.length > 0 ? [...must, ...not].join(' ') : ['*:*', ...not].join(' ');
  const fq = [
    termsFilter('channel_id', request.readableChannelIds),
    'deleted:false',
    ...compileFilters(request.filters),
  ];
  return { q, fq };
}

/**
 * Compiles a validated structured query into the Solr parameters of one page. Every value is
 * quoted or escaped; the readable-channel filter and the tombstone filter are always present.
 * The total is exact up to `exactCountBound` matches (Solr's `minExactCount`); beyond that
 * `numFoundExact` is false. Facets are a separate request ({@link compileFacets}): counting
 * them needs every match, which would undo the skipping.
 */
export function compileSearch(
  request: OriginSearchRequest,
  cursorMark: string,
  exactCountBound = defaultExactCountBound,
): SolrParams {
  const { q, fq } = compileMatch(request);
  const words = request.must.length > 0;
  const byScore = words && request.sort === 'relevance';
  const params: SolrParams = {
    q,
    fq,
    defType: 'lucene',
    'q.op': 'AND',
    sort: byScore ? sorts.relevance : sorts.newest,
    rows: request.limit,
    cursorMark,
    minExactCount: exactCountBound,
    // Asking for the score makes Solr compute it even when the sort does not need it.
    fl: byScore ? 'id,channel_id,author_id,score' : 'id,channel_id,author_id',
    hl: words,
    'json.nl': 'flat',
    wt: 'json',
  };
  if (words) {
    Object.assign(params, {
      'hl.method': 'unified',
      'hl.fl': 'text,text_ident,text_cjk',
      // Each field marks only what was looked for in it, term by term (a phrase's words are
      // marked one by one): about half the highlighting time of the defaults at 1M messages.
      'hl.requireFieldMatch': true,
      'hl.weightMatches': false,
      'hl.snippets': 1,
      'hl.fragsize': 200,
      'hl.tag.pre': markStart,
      'hl.tag.post': markEnd,
    });
    if (request.must.some((c) => c.kind === 'prefix')) {
      params['hl.q'] = compileHighlightQuery(request.must);
    }
  }
  return params;
}

/**
 * The facet counts of a search: the top 20 channels and authors over all its matches. Only
 * asked for when the first page said the match set is small (an exact total within the bound).
 */
export function compileFacets(request: OriginSearchRequest): SolrParams {
  const { q, fq } = compileMatch(request);
  return {
    q,
    fq,
    defType: 'lucene',
    'q.op': 'AND',
    rows: 0,
    facet: true,
    'facet.field': ['channel_id', 'author_id'],
    'facet.mincount': 1,
    'facet.limit': 20,
    'json.nl': 'flat',
    wt: 'json',
  };
}
