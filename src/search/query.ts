import type { SearchClause } from './contract.ts';

/** A search query as typed, parsed into values; names are resolved to ids later. */
export interface ParsedSearchQuery {
  must: SearchClause[];
  not: SearchClause[];
  /** `in:#name`, without the `#`. Several mean "in any of them". */
  channelNames: string[];
  /** `from:@name`, without the `@`. Several mean "by any of them". */
  userNames: string[];
  /** Inclusive, ISO instant (UTC midnight). */
  createdFrom?: string;
  /** Exclusive, ISO instant (UTC midnight). */
  createdBefore?: string;
  hasLink?: true;
  isThread?: true;
}

export interface SearchQueryProblem {
  message: string;
  /** The offending token as typed. */
  token: string;
  /** Where it starts in the query, 0-based, in UTF-16 code units. */
  position: number;
}

export type ParseSearchQueryResult =
  { ok: true; query: ParsedSearchQuery } | { ok: false; problem: SearchQueryProblem };

export const maxSearchTerms = 32;

const operators = new Set(['in', 'from', 'before', 'after', 'on', 'has', 'is']);
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayMs = 24 * 60 * 60 * 1000;

interface Token {
  text: string;
  position: number;
  /** Set for a quoted phrase: its content. */
  phrase?: string;
  negated: boolean;
}

class Refusal extends Error {
  constructor(
    message: string,
    readonly token: string,
    readonly position: number,
  ) {
    super(message);
  }
}

function isSpace(ch: string): boolean {
  return /\s/u.test(ch);
}

/** Splits on whitespace; a `"` opens a phrase only at the start of a token (after an optional `-`). */
function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    if (isSpace(input[i]!)) {
      i += 1;
      continue;
    }
    const start = i;
    const negated = input[i] === '-' && i + 1 < input.length && !isSpace(input[i + 1]!);
    const bodyStart = negated ? i + 1 : i;
    if (input[bodyStart] === '"') {
      const close = input.indexOf('"', bodyStart + 1);
      if (close === -1) {
        throw new Refusal('the quote is never closed', input.slice(start), start);
      }
      const phrase = input.slice(bodyStart + 1, close);
      const text = input.slice(start, close + 1);
      if (phrase.trim() === '') throw new Refusal('the phrase is empty', text, start);
      tokens.push({ text, position: start, phrase: phrase.trim(), negated });
      i = close + 1;
      continue;
    }
    let end = bodyStart;
    while (end < input.length && !isSpace(input[end]!)) end += 1;
    tokens.push({ text: input.slice(start, end), position: start, negated });
    i = end;
  }
  return tokens;
}

/** The UTC midnight of a calendar date, or null when it is not one. */
function parseDay(value: string): number | null {
  const match = datePattern.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = Date.UTC(year, month - 1, day);
  const check = new Date(at);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1) return null;
  if (check.getUTCDate() !== day) return null;
  return at;
}

function toWordClause(text: string, token: Token): SearchClause {
  if (text.endsWith('*')) {
    const stem = text.replace(/\*+$/, '');
    if (stem === '')
      throw new Refusal('a prefix needs at least one character', token.text, token.position);
    return { kind: 'prefix', value: stem };
  }
  return { kind: 'word', value: text };
}

function applyOperator(query: ParsedSearchQuery, name: string, value: string, token: Token): void {
  const refuse = (message: string) => new Refusal(message, token.text, token.position);
  if (value === '') throw refuse(`${name}: needs a value`);
  switch (name) {
    case 'in': {
      const channel = value.replace(/^#/, '');
      if (channel === '') throw refuse('in: needs a channel name');
      query.channelNames.push(channel.toLowerCase());
      return;
    }
    case 'from': {
      const user = value.replace(/^@/, '');
      if (user === '') throw refuse('from: needs a user name');
      query.userNames.push(user.toLowerCase());
      return;
    }
    case 'before':
    case 'after':
    case 'on': {
      const day = parseDay(value);
      if (day === null) throw refuse(`${name}: wants a date as YYYY-MM-DD`);
      // Several date operators narrow each other: the latest start and the earliest end win.
      const from = name === 'after' ? day + dayMs : name === 'on' ? day : undefined;
      const before = name === 'before' ? day : name === 'on' ? day + dayMs : undefined;
      if (from !== undefined) {
        const current = query.createdFrom ? Date.parse(query.createdFrom) : -Infinity;
        query.createdFrom = new Date(Math.max(current, from)).toISOString();
      }
      if (before !== undefined) {
        const current = query.createdBefore ? Date.parse(query.createdBefore) : Infinity;
        query.createdBefore = new Date(Math.min(current, before)).toISOString();
      }
      return;
    }
    case 'has':
      if (value.toLowerCase() !== 'link') throw refuse('has: knows only has:link');
      query.hasLink = true;
      return;
    case 'is':
      if (value.toLowerCase() !== 'thread') throw refuse('is: knows only is:thread');
      query.isThread = true;
      return;
  }
}

/**
 * Parses stek's search syntax: words, `"exact phrases"`, `prefix*`, `-excluded` words or
 * phrases, and the operators `in:#channel`, `from:@user`, `before:`/`after:`/`on:YYYY-MM-DD`,
 * `has:link`, `is:thread`. Everything combines with AND. A word with a colon whose left side is
 * not an operator name (a URL, `10:30`) is a plain word. A malformed query is a value, not an
 * exception: the caller turns it into a 400 that points at the token.
 */
export function parseSearchQuery(input: string): ParseSearchQueryResult {
  const query: ParsedSearchQuery = { must: [], not: [], channelNames: [], userNames: [] };
  try {
    const tokens = tokenize(input);
    for (const token of tokens) {
      if (token.phrase !== undefined) {
        (token.negated ? query.not : query.must).push({ kind: 'phrase', value: token.phrase });
        continue;
      }
      const body = token.negated ? token.text.slice(1) : token.text;
      const colon = body.indexOf(':');
      const name = colon > 0 ? body.slice(0, colon).toLowerCase() : '';
      if (operators.has(name)) {
        if (token.negated) {
          throw new Refusal('operators cannot be excluded', token.text, token.position);
        }
        applyOperator(query, name, body.slice(colon + 1), token);
        continue;
      }
      if (body === '-' || body === '') {
        throw new Refusal('nothing to exclude', token.text, token.position);
      }
      (token.negated ? query.not : query.must).push(toWordClause(body, token));
    }
    const terms = query.must.length + query.not.length;
    if (terms > maxSearchTerms) {
      const last = tokens[tokens.length - 1]!;
      throw new Refusal(`at most ${maxSearchTerms} terms`, last.text, last.position);
    }
    const hasFilter =
      query.channelNames.length > 0 ||
      query.userNames.length > 0 ||
      query.createdFrom !== undefined ||
      query.createdBefore !== undefined ||
      query.hasLink !== undefined ||
      query.isThread !== undefined;
    if (query.must.length === 0 && !hasFilter) {
      const what =
        query.not.length > 0 ? 'exclusions need something to search for' : 'the query is empty';
      throw new Refusal(what, input, 0);
    }
  } catch (err) {
    if (err instanceof Refusal) {
      return {
        ok: false,
        problem: { message: err.message, token: err.token, position: err.position },
      };
    }
    throw err;
  }
  return { ok: true, query };
}
