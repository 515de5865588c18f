/**
 * The Hrana structures as this server handles them, independent of the wire encoding
 * (JSON or Protobuf). Field meanings follow the Hrana 3 specification.
 */

/** A SQLite value: NULL, 64-bit integer, float, text or blob. */
export type HranaValue = null | bigint | number | string | Uint8Array;

/** An argument bound to a parameter by name. */
export interface NamedArg {
  name: string;
  value: HranaValue;
}

/** A statement to execute: SQL text (or a stored SQL id) with its arguments. */
export interface Stmt {
  sql: string | undefined;
  sqlId: number | undefined;
  args: HranaValue[];
  namedArgs: NamedArg[];
  wantRows: boolean;
}

/** A condition deciding whether a batch step runs. */
export type BatchCond =
  | { type: 'ok'; step: number }
  | { type: 'error'; step: number }
  | { type: 'not'; cond: BatchCond }
  | { type: 'and'; conds: BatchCond[] }
  | { type: 'or'; conds: BatchCond[] }
  | { type: 'is_autocommit' };

/** One step of a batch. */
export interface BatchStep {
  condition: BatchCond | undefined;
  stmt: Stmt;
}

/** A request executed on a stream. */
export type StreamRequest =
  | { type: 'close' }
  | { type: 'execute'; stmt: Stmt }
  | { type: 'batch'; steps: BatchStep[] }
  | { type: 'sequence'; sql: string | undefined; sqlId: number | undefined }
  | { type: 'describe'; sql: string | undefined; sqlId: number | undefined }
  | { type: 'store_sql'; sqlId: number; sql: string }
  | { type: 'close_sql'; sqlId: number }
  | { type: 'get_autocommit' };

/** An error as the protocol carries it. */
export interface HranaError {
  message: string;
  code: string;
}

/** A result column: its name and declared type. */
export interface Col {
  name: string | null;
  decltype: string | null;
}

/** The result of one statement. */
export interface StmtResult {
  cols: Col[];
  rows: HranaValue[][];
  affectedRowCount: number;
  lastInsertRowid: bigint | null;
  queryDurationMs: number;
}

/** The result of a batch: per step either a result, an error, or neither (skipped). */
export interface BatchResult {
  stepResults: (StmtResult | null)[];
  stepErrors: (HranaError | null)[];
}

/** The result of describing a statement. */
export interface DescribeResult {
  params: { name: string | null }[];
  cols: { name: string; decltype: string | null }[];
  isExplain: boolean;
  isReadonly: boolean;
}

/** A response to a stream request. */
export type StreamResponse =
  | { type: 'close' }
  | { type: 'execute'; result: StmtResult }
  | { type: 'batch'; result: BatchResult }
  | { type: 'sequence' }
  | { type: 'describe'; result: DescribeResult }
  | { type: 'store_sql' }
  | { type: 'close_sql' }
  | { type: 'get_autocommit'; isAutocommit: boolean };

/** The outcome of one request of a pipeline. */
export type StreamResult =
  { type: 'ok'; response: StreamResponse } | { type: 'error'; error: HranaError };

/** A decoded pipeline request body. */
export interface PipelineRequest {
  baton: string | null;
  requests: StreamRequest[];
}

/** A decoded cursor request body. */
export interface CursorRequest {
  baton: string | null;
  steps: BatchStep[];
}

/** A pipeline response body, before encoding. */
export interface PipelineResponse {
  baton: string | null;
  baseUrl: string | null;
  results: StreamResult[];
}

/** One entry of a cursor response. */
export type CursorEntry =
  | { type: 'step_begin'; step: number; cols: Col[] }
  | { type: 'row'; row: HranaValue[] }
  | { type: 'step_end'; affectedRowCount: number; lastInsertRowid: bigint | null }
  | { type: 'step_error'; step: number; error: HranaError }
  | { type: 'error'; error: HranaError };

/** A request body the server cannot read: answered with HTTP 400 and the stream closed. */
export class HranaProtocolError extends Error {
  override name = 'HranaProtocolError';
}

/**
 * A failure of one stream request (a SQL error, bad arguments...). It becomes an `error`
 * result carrying `code`; the stream stays usable.
 */
export class HranaRequestError extends Error {
  override name = 'HranaRequestError';
  readonly code: string;

  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
