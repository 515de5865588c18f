import {
  HranaProtocolError,
  type BatchCond,
  type BatchResult,
  type BatchStep,
  type Col,
  type CursorEntry,
  type CursorRequest,
  type HranaError,
  type HranaValue,
  type PipelineRequest,
  type PipelineResponse,
  type Stmt,
  type StmtResult,
  type StreamRequest,
  type StreamResponse,
} from './protocol.ts';

type Json = Record<string, unknown>;

const minInteger = -(2n ** 63n);
const maxInteger = 2n ** 63n - 1n;

function fail(path: string, expected: string): never {
  throw new HranaProtocolError(`Invalid request body: ${path} must be ${expected}`);
}

function readObject(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object');
  return value as Json;
}

function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'an array');
  return value;
}

function readString(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'a string');
  return value;
}

function readOptionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : readString(value, path);
}

function readInt32(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 2 ** 31) {
    fail(path, 'a 32-bit integer');
  }
  return value;
}

function readOptionalInt32(value: unknown, path: string): number | undefined {
  return value === undefined || value === null ? undefined : readInt32(value, path);
}

function readValue(value: unknown, path: string): HranaValue {
  const obj = readObject(value, path);
  switch (obj.type) {
    case 'null':
      return null;
    case 'integer': {
      const text = obj.value;
      const parsed =
        typeof text === 'string' && /^-?\d+$/.test(text)
          ? BigInt(text)
          : typeof text === 'number' && Number.isSafeInteger(text)
            ? BigInt(text)
            : fail(`${path}.value`, 'an integer as a decimal string');
      if (parsed < minInteger || parsed > maxInteger) fail(`${path}.value`, 'a 64-bit integer');
      return parsed;
    }
    case 'float':
      if (typeof obj.value !== 'number') fail(`${path}.value`, 'a number');
      return obj.value;
    case 'text':
      return readString(obj.value, `${path}.value`);
    case 'blob': {
      const base64 = readString(obj.base64, `${path}.base64`);
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(base64)) fail(`${path}.base64`, 'base64 text');
      return new Uint8Array(Buffer.from(base64, 'base64'));
    }
    default:
      fail(`${path}.type`, 'one of "null", "integer", "float", "text", "blob"');
  }
}

function readStmt(value: unknown, path: string): Stmt {
  const obj = readObject(value, path);
  const args =
    obj.args === undefined || obj.args === null ? [] : readArray(obj.args, `${path}.args`);
  const named =
    obj.named_args === undefined || obj.named_args === null
      ? []
      : readArray(obj.named_args, `${path}.named_args`);
  if (obj.want_rows !== undefined && obj.want_rows !== null && typeof obj.want_rows !== 'boolean') {
    fail(`${path}.want_rows`, 'a boolean');
  }
  return {
    sql: readOptionalString(obj.sql, `${path}.sql`),
    sqlId: readOptionalInt32(obj.sql_id, `${path}.sql_id`),
    args: args.map((arg, i) => readValue(arg, `${path}.args[${i}]`)),
    namedArgs: named.map((arg, i) => {
      const argObj = readObject(arg, `${path}.named_args[${i}]`);
      return {
        name: readString(argObj.name, `${path}.named_args[${i}].name`),
        value: readValue(argObj.value, `${path}.named_args[${i}].value`),
      };
    }),
    wantRows: obj.want_rows !== false,
  };
}

function readStep(value: unknown, path: string): number {
  const step = readInt32(value, path);
  if (step < 0) fail(path, 'a step index (0 or more)');
  return step;
}

function readCond(value: unknown, path: string): BatchCond {
  const obj = readObject(value, path);
  switch (obj.type) {
    case 'ok':
    case 'error':
      return { type: obj.type, step: readStep(obj.step, `${path}.step`) };
    case 'not':
      return { type: 'not', cond: readCond(obj.cond, `${path}.cond`) };
    case 'and':
    case 'or':
      return {
        type: obj.type,
        conds: readArray(obj.conds, `${path}.conds`).map((c, i) =>
          readCond(c, `${path}.conds[${i}]`),
        ),
      };
    case 'is_autocommit':
      return { type: 'is_autocommit' };
    default:
      fail(`${path}.type`, 'one of "ok", "error", "not", "and", "or", "is_autocommit"');
  }
}

function readBatchSteps(value: unknown, path: string): BatchStep[] {
  const batch = readObject(value, path);
  return readArray(batch.steps, `${path}.steps`).map((step, i) => {
    const stepObj = readObject(step, `${path}.steps[${i}]`);
    return {
      condition:
        stepObj.condition === undefined || stepObj.condition === null
          ? undefined
          : readCond(stepObj.condition, `${path}.steps[${i}].condition`),
      stmt: readStmt(stepObj.stmt, `${path}.steps[${i}].stmt`),
    };
  });
}

function readRequest(value: unknown, path: string): StreamRequest {
  const obj = readObject(value, path);
  switch (obj.type) {
    case 'close':
    case 'get_autocommit':
      return { type: obj.type };
    case 'execute':
      return { type: 'execute', stmt: readStmt(obj.stmt, `${path}.stmt`) };
    case 'batch':
      return { type: 'batch', steps: readBatchSteps(obj.batch, `${path}.batch`) };
    case 'sequence':
    case 'describe':
      return {
        type: obj.type,
        sql: readOptionalString(obj.sql, `${path}.sql`),
        sqlId: readOptionalInt32(obj.sql_id, `${path}.sql_id`),
      };
    case 'store_sql':
      return {
        type: 'store_sql',
        sqlId: readInt32(obj.sql_id, `${path}.sql_id`),
        sql: readString(obj.sql, `${path}.sql`),
      };
    case 'close_sql':
      return { type: 'close_sql', sqlId: readInt32(obj.sql_id, `${path}.sql_id`) };
    default:
      fail(
        `${path}.type`,
        'one of "close", "execute", "batch", "sequence", "describe", "store_sql", "close_sql", "get_autocommit"',
      );
  }
}

function readBaton(value: unknown): string | null {
  return value === undefined || value === null ? null : readString(value, 'baton');
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (error) {
    throw new HranaProtocolError(`Request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads the JSON body of `POST v2/pipeline` or `v3/pipeline`. */
export function decodeJsonPipelineRequest(body: Uint8Array): PipelineRequest {
  const obj = readObject(parseJson(body), 'body');
  return {
    baton: readBaton(obj.baton),
    requests: readArray(obj.requests, 'requests').map((r, i) => readRequest(r, `requests[${i}]`)),
  };
}

/** Reads the JSON body of `POST v3/cursor`. */
export function decodeJsonCursorRequest(body: Uint8Array): CursorRequest {
  const obj = readObject(parseJson(body), 'body');
  return { baton: readBaton(obj.baton), steps: readBatchSteps(obj.batch, 'batch') };
}

// JSON has no token for infinite floats, but JSON.parse reads 1e999 as Infinity, so
// infinite values are written as placeholders first and swapped for such numbers after
// stringifying. A placeholder cannot collide with text: quotes inside strings are escaped.
const positiveInfinity = '{"type":"float","value":"+inf"}';
const negativeInfinity = '{"type":"float","value":"-inf"}';

interface Encoding {
  sawInfinity: boolean;
}

function encodeValue(value: HranaValue, encoding: Encoding): Json {
  if (value === null) return { type: 'null' };
  if (typeof value === 'bigint') return { type: 'integer', value: value.toString() };
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return { type: 'float', value };
    encoding.sawInfinity = true;
    return { type: 'float', value: value > 0 ? '+inf' : '-inf' };
  }
  if (typeof value === 'string') return { type: 'text', value };
  return { type: 'blob', base64: Buffer.from(value).toString('base64') };
}

function encodeCols(cols: Col[]): Json[] {
  return cols.map((col) => ({ name: col.name, decltype: col.decltype }));
}

function encodeError(error: HranaError): Json {
  return { message: error.message, code: error.code };
}

function encodeStmtResult(result: StmtResult, encoding: Encoding): Json {
  return {
    cols: encodeCols(result.cols),
    rows: result.rows.map((row) => row.map((value) => encodeValue(value, encoding))),
    affected_row_count: result.affectedRowCount,
    last_insert_rowid: result.lastInsertRowid === null ? null : result.lastInsertRowid.toString(),
    query_duration_ms: result.queryDurationMs,
  };
}

function encodeBatchResult(result: BatchResult, encoding: Encoding): Json {
  return {
    step_results: result.stepResults.map((r) =>
      r === null ? null : encodeStmtResult(r, encoding),
    ),
    step_errors: result.stepErrors.map((e) => (e === null ? null : encodeError(e))),
  };
}

function encodeResponse(response: StreamResponse, encoding: Encoding): Json {
  switch (response.type) {
    case 'execute':
      return { type: 'execute', result: encodeStmtResult(response.result, encoding) };
    case 'batch':
      return { type: 'batch', result: encodeBatchResult(response.result, encoding) };
    case 'describe':
      return {
        type: 'describe',
        result: {
          params: response.result.params,
          cols: response.result.cols,
          is_explain: response.result.isExplain,
          is_readonly: response.result.isReadonly,
        },
      };
    case 'get_autocommit':
      return { type: 'get_autocommit', is_autocommit: response.isAutocommit };
    default:
      return { type: response.type };
  }
}

function stringify(value: Json, encoding: Encoding): string {
  const text = JSON.stringify(value);
  if (!encoding.sawInfinity) return text;
  return text
    .replaceAll(positiveInfinity, '{"type":"float","value":1e999}')
    .replaceAll(negativeInfinity, '{"type":"float","value":-1e999}');
}

/** Writes a pipeline response body as JSON. */
export function encodeJsonPipelineResponse(response: PipelineResponse): string {
  const encoding: Encoding = { sawInfinity: false };
  const body = {
    baton: response.baton,
    base_url: response.baseUrl,
    results: response.results.map((result) =>
      result.type === 'ok'
        ? { type: 'ok', response: encodeResponse(result.response, encoding) }
        : { type: 'error', error: encodeError(result.error) },
    ),
  };
  return stringify(body, encoding);
}

/** Writes the first line of a cursor response. */
export function encodeJsonCursorHead(baton: string | null, baseUrl: string | null): string {
  return `${JSON.stringify({ baton, base_url: baseUrl })}\n`;
}

/** Writes one cursor entry as a line of JSON. */
export function encodeJsonCursorEntry(entry: CursorEntry): string {
  const encoding: Encoding = { sawInfinity: false };
  let body: Json;
  switch (entry.type) {
    case 'step_begin':
      body = { type: 'step_begin', step: entry.step, cols: encodeCols(entry.cols) };
      break;
    case 'row':
      body = { type: 'row', row: entry.row.map((value) => encodeValue(value, encoding)) };
      break;
    case 'step_end':
      body = {
        type: 'step_end',
        affected_row_count: entry.affectedRowCount,
        last_insert_rowid: entry.lastInsertRowid === null ? null : entry.lastInsertRowid.toString(),
      };
      break;
    case 'step_error':
      body = { type: 'step_error', step: entry.step, error: encodeError(entry.error) };
      break;
    case 'error':
      body = { type: 'error', error: encodeError(entry.error) };
      break;
  }
  return `${stringify(body, encoding)}\n`;
}
