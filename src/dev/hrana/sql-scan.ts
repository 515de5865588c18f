/**
 * A small SQLite-compatible tokenizer. The native binding does not expose parameter names,
 * statement tails or `sqlite3_stmt_isexplain`, so statements are split and their parameters
 * numbered here, following the rules of SQLite's own tokenizer and `sqlite3ExprAssignVarNumber`.
 */

/** One statement found in a SQL text. */
export interface ScannedStatement {
  /** The statement text, without the terminating semicolon. */
  sql: string;
  /** Parameter names by index - 1 (`null` for `?` and for indexes no parameter names). */
  params: (string | null)[];
  /** The first few keywords, upper-cased (`EXPLAIN`, `CREATE`, `SELECT`...). */
  keywords: string[];
}

type TokenKind = 'space' | 'semi' | 'word' | 'param' | 'other';

interface Token {
  kind: TokenKind;
  start: number;
  end: number;
}

const keywordsKept = 6;

/** Splits `sql` into its non-empty statements, the way `sqlite3_complete` sees their ends. */
export function splitSqlStatements(sql: string): ScannedStatement[] {
  const statements: ScannedStatement[] = [];
  let current: Token[] = [];
  let significant: string[] = [];

  const finish = (end: number) => {
    const first = current.find((token) => token.kind !== 'space');
    if (first !== undefined) {
      statements.push({
        sql: sql.slice(first.start, end),
        params: numberParams(sql, current),
        keywords: significant.slice(0, keywordsKept),
      });
    }
    current = [];
    significant = [];
  };

  for (const token of tokenize(sql)) {
    if (token.kind === 'semi') {
      // Inside CREATE TRIGGER the body's own semicolons do not end the statement: only `; END;` does.
      if (isTrigger(significant) && !endsTriggerBody(significant)) {
        current.push(token);
        significant.push(';');
        continue;
      }
      finish(token.start);
      continue;
    }
    current.push(token);
    if (token.kind !== 'space') {
      significant.push(
        token.kind === 'word' ? sql.slice(token.start, token.end).toUpperCase() : '',
      );
    }
  }
  finish(sql.length);
  return statements;
}

function isTrigger(words: string[]): boolean {
  let i = 0;
  if (words[i] === 'EXPLAIN') i++;
  if (words[i] !== 'CREATE') return false;
  i++;
  if (words[i] === 'TEMP' || words[i] === 'TEMPORARY') i++;
  return words[i] === 'TRIGGER';
}

function endsTriggerBody(words: string[]): boolean {
  return words.at(-1) === 'END' && words.at(-2) === ';';
}

function numberParams(sql: string, tokens: Token[]): (string | null)[] {
  const names: (string | null)[] = [];
  const indexByName = new Map<string, number>();
  let count = 0;
  for (const token of tokens) {
    if (token.kind !== 'param') continue;
    const name = sql.slice(token.start, token.end);
    if (name === '?') {
      count++;
      names[count - 1] = null;
      continue;
    }
    if (name[0] === '?') {
      const index = Number(name.slice(1));
      if (!Number.isSafeInteger(index) || index < 1) continue; // SQLite rejects it when preparing
      count = Math.max(count, index);
      names[index - 1] ??= name;
      continue;
    }
    if (!indexByName.has(name)) {
      count++;
      indexByName.set(name, count);
      names[count - 1] = name;
    }
  }
  return Array.from({ length: count }, (_, i) => names[i] ?? null);
}

function isIdChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 36 ||
    code >= 0x80
  );
}

function isIdStart(code: number): boolean {
  return isIdChar(code) && code !== 36 && !(code >= 48 && code <= 57);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 12 || code === 13;
}

function* tokenize(sql: string): Generator<Token> {
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const start = i;
    const c = sql.charCodeAt(i);
    const next = i + 1 < n ? sql.charCodeAt(i + 1) : -1;

    if (isSpace(c)) {
      while (i < n && isSpace(sql.charCodeAt(i))) i++;
      yield { kind: 'space', start, end: i };
    } else if (c === 45 && next === 45) {
      // -- comment to the end of the line
      const newline = sql.indexOf('\n', i);
      i = newline < 0 ? n : newline + 1;
      yield { kind: 'space', start, end: i };
    } else if (c === 47 && next === 42) {
      // /* comment */, unterminated runs to the end
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      yield { kind: 'space', start, end: i };
    } else if (c === 59) {
      i++;
      yield { kind: 'semi', start, end: i };
    } else if (c === 39 || c === 34 || c === 96) {
      i = skipQuoted(sql, i, sql[i]!);
      yield { kind: 'other', start, end: i };
    } else if (c === 91) {
      const close = sql.indexOf(']', i + 1);
      i = close < 0 ? n : close + 1;
      yield { kind: 'other', start, end: i };
    } else if (c === 63) {
      i++;
      while (i < n && isDigit(sql.charCodeAt(i))) i++;
      yield { kind: 'param', start, end: i };
    } else if (c === 58 || c === 64 || c === 36 || c === 35) {
      i = skipNamedParam(sql, i + 1);
      yield { kind: i - start > 1 ? 'param' : 'other', start, end: i };
    } else if (isDigit(c) || (c === 46 && isDigit(next))) {
      i = skipNumber(sql, i);
      yield { kind: 'other', start, end: i };
    } else if (isIdStart(c)) {
      if ((c === 120 || c === 88) && next === 39) {
        i = skipQuoted(sql, i + 1, "'"); // blob literal x'...'
        yield { kind: 'other', start, end: i };
      } else {
        while (i < n && isIdChar(sql.charCodeAt(i))) i++;
        yield { kind: 'word', start, end: i };
      }
    } else {
      i++;
      yield { kind: 'other', start, end: i };
    }
  }
}

function skipQuoted(sql: string, i: number, quote: string): number {
  let j = i + 1;
  for (;;) {
    const close = sql.indexOf(quote, j);
    if (close < 0) return sql.length;
    if (sql[close + 1] === quote) {
      j = close + 2;
      continue;
    }
    return close + 1;
  }
}

function skipNamedParam(sql: string, i: number): number {
  const n = sql.length;
  let length = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isIdChar(c)) {
      i++;
      length++;
    } else if (c === 40 && length > 0) {
      // TCL-style $name(suffix): the suffix runs to ')' and may not contain spaces
      let j = i + 1;
      while (j < n && sql[j] !== ')' && !isSpace(sql.charCodeAt(j))) j++;
      return sql[j] === ')' ? j + 1 : i;
    } else if (c === 58 && sql.charCodeAt(i + 1) === 58) {
      i += 2;
    } else {
      break;
    }
  }
  return i;
}

function skipNumber(sql: string, i: number): number {
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if ((c === 101 || c === 69) && (sql[i + 1] === '+' || sql[i + 1] === '-')) {
      i += 2;
    } else if (isIdChar(c) || c === 46) {
      i++;
    } else {
      break;
    }
  }
  return i;
}

/** Whether the statement starts with EXPLAIN, as `sqlite3_stmt_isexplain` would say. */
export function isExplainStatement(statement: ScannedStatement): boolean {
  return statement.keywords[0] === 'EXPLAIN';
}

const readOnlyStarts = new Set([
  'SELECT',
  'VALUES',
  'EXPLAIN',
  'BEGIN',
  'COMMIT',
  'END',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
  'ATTACH',
  'DETACH',
]);
const writingWords = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE']);

/**
 * Whether the statement leaves the database unchanged. An approximation of
 * `sqlite3_stmt_readonly` from the leading keywords, which the binding does not expose.
 */
export function isReadonlyStatement(statement: ScannedStatement): boolean {
  const [first] = statement.keywords;
  if (first === undefined) return true;
  if (readOnlyStarts.has(first)) return true;
  if (first === 'WITH') return !writingWords.has(findMainVerb(statement.sql) ?? '');
  if (first === 'PRAGMA') return !/=/.test(statement.sql);
  return false;
}

function findMainVerb(sql: string): string | undefined {
  let depth = 0;
  for (const token of tokenize(sql)) {
    if (token.kind === 'other') {
      const text = sql.slice(token.start, token.end);
      if (text === '(') depth++;
      if (text === ')') depth--;
    }
    if (token.kind === 'word' && depth === 0) {
      const word = sql.slice(token.start, token.end).toUpperCase();
      if (word === 'SELECT' || word === 'VALUES' || writingWords.has(word)) return word;
    }
  }
  return undefined;
}
