import {
  HranaRequestError,
  type BatchCond,
  type BatchResult,
  type BatchStep,
  type CursorEntry,
  type DescribeResult,
  type HranaValue,
  type Stmt,
  type StmtResult,
  type StreamRequest,
  type StreamResponse,
  type StreamResult,
} from './protocol.ts';
import {
  isExplainStatement,
  isReadonlyStatement,
  splitSqlStatements,
  type ScannedStatement,
} from './sql-scan.ts';
import { toRequestError, type SqlArg, type SqliteConnection } from './sqlite-connection.ts';

/** What a request needs from its stream. */
export interface StreamContext {
  connection: SqliteConnection;
  /** SQL texts stored with `store_sql`, by id. */
  sqls: Map<number, string>;
  closed: boolean;
}

const maxStoredSqls = 150;

/** Executes one stream request; SQL and argument errors become `error` results. */
export async function executeStreamRequest(
  stream: StreamContext,
  request: StreamRequest,
): Promise<StreamResult> {
  try {
    if (stream.closed) throw new HranaRequestError('The stream is closed', 'STREAM_CLOSED');
    return { type: 'ok', response: await runRequest(stream, request) };
  } catch (error) {
    const failure = toRequestError(error);
    return { type: 'error', error: { message: failure.message, code: failure.code } };
  }
}

async function runRequest(stream: StreamContext, request: StreamRequest): Promise<StreamResponse> {
  switch (request.type) {
    case 'close':
      stream.closed = true;
      return { type: 'close' };
    case 'execute':
      return { type: 'execute', result: await executeStmt(stream, request.stmt) };
    case 'batch':
      return { type: 'batch', result: await executeBatch(stream, request.steps) };
    case 'sequence':
      await executeSequence(stream, resolveSql(stream, request.sql, request.sqlId));
      return { type: 'sequence' };
    case 'describe':
      return { type: 'describe', result: await describe(stream, request.sql, request.sqlId) };
    case 'store_sql':
      if (stream.sqls.has(request.sqlId)) {
        throw new HranaRequestError(
          `SQL text id ${request.sqlId} is already in use`,
          'SQL_ID_IN_USE',
        );
      }
      if (stream.sqls.size >= maxStoredSqls) {
        throw new HranaRequestError(
          `A stream can store at most ${maxStoredSqls} SQL texts`,
          'SQL_STORE_FULL',
        );
      }
      stream.sqls.set(request.sqlId, request.sql);
      return { type: 'store_sql' };
    case 'close_sql':
      stream.sqls.delete(request.sqlId);
      return { type: 'close_sql' };
    case 'get_autocommit':
      return { type: 'get_autocommit', isAutocommit: stream.connection.isAutocommit() };
  }
}

function resolveSql(
  stream: StreamContext,
  sql: string | undefined,
  sqlId: number | undefined,
): string {
  if (sql !== undefined && sqlId !== undefined) {
    throw new HranaRequestError('Only one of sql and sql_id may be given', 'SQL_ID_AND_SQL_GIVEN');
  }
  if (sql !== undefined) return sql;
  if (sqlId === undefined) {
    throw new HranaRequestError('One of sql and sql_id must be given', 'SQL_ID_OR_SQL_NOT_GIVEN');
  }
  const stored = stream.sqls.get(sqlId);
  if (stored === undefined) {
    throw new HranaRequestError(`No SQL text is stored under id ${sqlId}`, 'SQL_NOT_FOUND');
  }
  return stored;
}

function scanSingle(sql: string): ScannedStatement {
  const statements = splitSqlStatements(sql);
  const [first] = statements;
  if (first === undefined) {
    throw new HranaRequestError('SQL string does not contain any statement', 'SQL_NO_STATEMENT');
  }
  if (statements.length > 1) {
    throw new HranaRequestError(
      'SQL string contains more than one statement',
      'SQL_MANY_STATEMENTS',
    );
  }
  return first;
}

function toNative(value: HranaValue): SqlArg {
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

function argsError(detail: string): HranaRequestError {
  return new HranaRequestError(`Arguments do not match SQL parameters: ${detail}`, 'ARGS_INVALID');
}

/**
 * Binds arguments the way sqld does: `?` and `?NNN` take positional arguments, named
 * parameters take the named argument with or without its prefix (`:`, `@`, `$`).
 */
export function resolveArgs(statement: ScannedStatement, stmt: Stmt): SqlArg[] {
  if (stmt.args.length > 0 && stmt.namedArgs.length > 0) {
    throw new HranaRequestError(
      'Specifying both positional and named arguments is not supported',
      'ARGS_BOTH_POSITIONAL_AND_NAMED',
    );
  }
  const count = statement.params.length;
  const supplied = stmt.args.length + stmt.namedArgs.length;
  if (supplied > count) throw argsError(`too many parameters, expected ${count} found ${supplied}`);

  const named = new Map(stmt.namedArgs.map((arg) => [arg.name, arg.value]));
  const lookUp = (name: string): HranaValue | undefined => {
    if (named.has(name)) return named.get(name);
    return named.get(name.slice(1));
  };
  const explain = isExplainStatement(statement);
  return statement.params.map((name, i) => {
    const value =
      name === null
        ? stmt.args[i]
        : name.startsWith('?')
          ? stmt.args[Number(name.slice(1)) - 1]
          : lookUp(name);
    if (value === undefined) {
      if (explain) return null;
      throw argsError(`value for parameter ${name ?? i + 1} not found`);
    }
    return toNative(value);
  });
}

async function executeStmt(stream: StreamContext, stmt: Stmt): Promise<StmtResult> {
  const statement = scanSingle(resolveSql(stream, stmt.sql, stmt.sqlId));
  const args = resolveArgs(statement, stmt);
  return stream.connection.execute(statement, args, stmt.wantRows);
}

function checkCondition(cond: BatchCond, stepIndex: number): void {
  switch (cond.type) {
    case 'ok':
    case 'error':
      if (cond.step >= stepIndex) {
        throw new HranaRequestError(
          `Batch step ${stepIndex} has a condition on step ${cond.step}, which does not run before it`,
          'BATCH_COND_INVALID',
        );
      }
      return;
    case 'not':
      return checkCondition(cond.cond, stepIndex);
    case 'and':
    case 'or':
      return cond.conds.forEach((c) => checkCondition(c, stepIndex));
    case 'is_autocommit':
      return;
  }
}

function evaluate(cond: BatchCond, result: BatchResult, stream: StreamContext): boolean {
  switch (cond.type) {
    case 'ok':
      return result.stepResults[cond.step] !== null;
    case 'error':
      return result.stepErrors[cond.step] !== null;
    case 'not':
      return !evaluate(cond.cond, result, stream);
    case 'and':
      return cond.conds.every((c) => evaluate(c, result, stream));
    case 'or':
      return cond.conds.some((c) => evaluate(c, result, stream));
    case 'is_autocommit':
      return stream.connection.isAutocommit();
  }
}

/** Runs the steps of a batch in order, skipping those whose condition is false. */
export async function executeBatch(
  stream: StreamContext,
  steps: BatchStep[],
): Promise<BatchResult> {
  steps.forEach((step, i) => step.condition && checkCondition(step.condition, i));
  const result: BatchResult = { stepResults: [], stepErrors: [] };
  for (const step of steps) {
    result.stepResults.push(null);
    result.stepErrors.push(null);
    if (step.condition !== undefined && !evaluate(step.condition, result, stream)) continue;
    const index = result.stepResults.length - 1;
    try {
      result.stepResults[index] = await executeStmt(stream, step.stmt);
    } catch (error) {
      const failure = toRequestError(error);
      result.stepErrors[index] = { message: failure.message, code: failure.code };
    }
  }
  return result;
}

/** Turns a batch result into the entries a cursor streams. */
export function toCursorEntries(result: BatchResult): CursorEntry[] {
  const entries: CursorEntry[] = [];
  result.stepResults.forEach((stepResult, step) => {
    const stepError = result.stepErrors[step];
    if (stepError) {
      entries.push({ type: 'step_error', step, error: stepError });
    } else if (stepResult) {
      entries.push({ type: 'step_begin', step, cols: stepResult.cols });
      for (const row of stepResult.rows) entries.push({ type: 'row', row });
      entries.push({
        type: 'step_end',
        affectedRowCount: stepResult.affectedRowCount,
        lastInsertRowid: stepResult.lastInsertRowid,
      });
    }
  });
  return entries;
}

async function executeSequence(stream: StreamContext, sql: string): Promise<void> {
  // Run one statement at a time, so a statement waiting for a lock is retried alone
  // instead of re-running the statements before it.
  for (const statement of splitSqlStatements(sql)) {
    if (statement.params.length > 0 && !isExplainStatement(statement)) {
      throw argsError(`value for parameter ${statement.params[0] ?? 1} not found`);
    }
    await stream.connection.execute(
      statement,
      statement.params.map(() => null),
      false,
    );
  }
}

async function describe(
  stream: StreamContext,
  sql: string | undefined,
  sqlId: number | undefined,
): Promise<DescribeResult> {
  const statement = scanSingle(resolveSql(stream, sql, sqlId));
  const cols = await stream.connection.describe(statement);
  return {
    params: statement.params.map((name) => ({ name })),
    cols,
    isExplain: isExplainStatement(statement),
    isReadonly: isReadonlyStatement(statement),
  };
}
