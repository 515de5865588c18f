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
 * Where each kind of term is looked for (see the schema for what each field does). A word or
 * phrase with nothing in the CJK range skips `text_cjk`: that field then holds the same standard
 * tokens as `text`, only unstemmed, so every document it would match `text` matches already, and
 * one posting list fewer is read.
 */
function compileClause(clause: SearchClause): string {
  if (clause.kind === 'prefix') {
    const term = `${escapeTerm(clause.value)}*`;
    return `(text_ident:${term} OR text_cjk:${term})`;
  }
  const quoted = quoteValue(clause.value);
  if (!cjkRange.test(clause.value)) return `(text:${quoted} OR text_ident:${quoted})`;
  return `(text:${quoted} OR text_ident:${quoted} OR text_cjk:${quoted})`;
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
 * Compiles a validated structured query into Solr parameters. Every value is quoted or escaped;
 * the readable-channel filter and the tombstone filter are always present. Facets are counted
 * for the first page only (`cursorMark` `*`): they cover every match, so a later page would
 * count the same again.
 */
export function compileSearch(request: OriginSearchRequest, cursorMark: string): SolrParams {
  const must = request.must.map((c) => `+${compileClause(c)}`);
  const not = request.not.map((c) => `-${compileClause(c)}`);
  const q = must.length > 0 ? [...must, ...not].join(' ') : ['*:*', ...not].join(' ');
  const fq = [
    termsFilter('channel_id', request.readableChannelIds),
    'deleted:false',
    ...compileFilters(request.filters),
  ];
  const byScore = must.length > 0 && request.sort === 'relevance';
  const facets = cursorMark === firstCursorMark;
  const params: SolrParams = {
    q,
    fq,
    defType: 'lucene',
    'q.op': 'AND',
    sort: byScore ? sorts.relevance : sorts.newest,
    rows: request.limit,
    cursorMark,
    // Asking for the score makes Solr compute it even when the sort does not need it.
    fl: byScore ? 'id,channel_id,author_id,score' : 'id,channel_id,author_id',
    hl: must.length > 0,
    'json.nl': 'flat',
    wt: 'json',
  };
  if (must.length > 0) {
    Object.assign(params, {
      'hl.method': 'unified',
      'hl.fl': 'text,text_ident,text_cjk',
      'hl.snippets': 1,
      'hl.fragsize': 200,
      'hl.tag.pre': markStart,
      'hl.tag.post': markEnd,
    });
  }
  if (facets) {
    Object.assign(params, {
      facet: true,
      'facet.field': ['channel_id', 'author_id'],
      'facet.mincount': 1,
      'facet.limit': 20,
    });
  }
  return params;
}
