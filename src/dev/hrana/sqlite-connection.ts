import Database from 'libsql';
import { HranaRequestError, type Col, type HranaValue, type StmtResult } from './protocol.ts';
import type { ScannedStatement } from './sql-scan.ts';
import type { BusyWaiter } from './busy-waiter.ts';

/** A value as the native binding takes and returns it. */
export type SqlArg = null | bigint | number | string | Buffer;

/** How a connection opens its file and waits for locks. */
export interface SqliteConnectionOptions {
  dbPath: string;
  /** How long a statement keeps retrying while another writer holds the lock. */
  busyTimeoutMs: number;
  waiter: BusyWaiter;
}

type NativeStatement = Database.Statement<[SqlArg[]]>;

interface PreparedStatement {
  native: NativeStatement;
  returnsRows: boolean;
}

const statementCacheSize = 64;
const sqliteBusy = 5;
const sqliteBusySnapshot = 517;

const sqliteCodes: Record<number, string> = {
  1: 'SQLITE_ERROR',
  2: 'SQLITE_INTERNAL',
  3: 'SQLITE_PERM',
  4: 'SQLITE_ABORT',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  15: 'SQLITE_PROTOCOL',
  16: 'SQLITE_EMPTY',
  17: 'SQLITE_SCHEMA',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  21: 'SQLITE_MISUSE',
  22: 'SQLITE_NOLFS',
  23: 'SQLITE_AUTH',
  24: 'SQLITE_FORMAT',
  25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB',
};

interface NativeError {
  code: string;
  rawCode?: number;
  message: string;
}

function isNativeError(error: unknown): error is NativeError {
  return error instanceof Database.SqliteError;
}

/** Maps a native SQLite error to the base result code the Hrana servers report. */
export function toRequestError(error: unknown): HranaRequestError {
  if (error instanceof HranaRequestError) return error;
  if (isNativeError(error)) {
    const base = error.rawCode === undefined ? undefined : error.rawCode & 0xff;
    const code = (base !== undefined && sqliteCodes[base]) || error.code || 'SQLITE_UNKNOWN';
    const message = /syntax error|incomplete input|unrecognized token/.test(error.message)
      ? `SQL string could not be parsed: ${error.message}`
      : `SQLite error: ${error.message}`;
    return new HranaRequestError(message, code, { cause: error });
  }
  throw error;
}

function isBusy(error: unknown): error is NativeError {
  return isNativeError(error) && ((error.rawCode ?? 0) & 0xff) === sqliteBusy;
}

function fromNative(value: unknown): HranaValue {
  if (value === null || typeof value === 'bigint' || typeof value === 'string') return value;
  if (typeof value === 'number') return value;
  if (value instanceof Uint8Array) return new Uint8Array(value);
  return null;
}

/**
 * One SQLite connection on the served file, as one Hrana stream owns it. Statements never
 * block the event loop on a lock: a busy statement is retried after other streams release
 * their locks (or a short back-off, for other processes), until `busyTimeoutMs` passes.
 */
export class SqliteConnection {
  readonly #options: SqliteConnectionOptions;
  #db: Database.Database;
  #cache = new Map<string, PreparedStatement>();
  #meta: NativeStatement;
  // A statement that gave up on SQLITE_BUSY stays un-reset in the binding and pins an old
  // snapshot, so the connection is replaced as soon as it is outside a transaction.
  #stale = false;

  constructor(options: SqliteConnectionOptions) {
    this.#options = options;
    this.#db = this.#open();
    this.#meta = this.#prepareMeta();
  }

  #open(): Database.Database {
    const db = new Database(this.#options.dbPath, { timeout: 0 });
    db.exec('PRAGMA synchronous=NORMAL');
    return db;
  }

  #prepareMeta(): NativeStatement {
    const meta = this.#db.prepare<[SqlArg[]]>(
      'SELECT changes(), last_insert_rowid(), total_changes()',
    );
    meta.safeIntegers(true).raw(true);
    return meta;
  }

  /** True when no explicit transaction is open. */
  isAutocommit(): boolean {
    return !this.#db.inTransaction;
  }

  /** Runs one statement with its arguments already resolved. */
  async execute(
    statement: ScannedStatement,
    args: SqlArg[],
    wantRows: boolean,
  ): Promise<StmtResult> {
    return this.#withBusyRetry(() => {
      const prepared = this.#prepare(statement.sql);
      return () => this.#runPrepared(prepared, args, wantRows);
    });
  }

  /** Prepares a statement without running it, for `describe`. */
  async describe(
    statement: ScannedStatement,
  ): Promise<{ name: string; decltype: string | null }[]> {
    return this.#withBusyRetry(() => {
      const prepared = this.#prepare(statement.sql);
      return () =>
        prepared.returnsRows
          ? prepared.native.columns().map((c) => ({ name: c.name, decltype: c.type ?? null }))
          : [];
    });
  }

  async #withBusyRetry<T>(prepare: () => () => T): Promise<T> {
    const deadline = Date.now() + this.#options.busyTimeoutMs;
    let run: (() => T) | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        run ??= prepare();
        const result = run();
        this.#notifyIfUnlocked();
        return result;
      } catch (error) {
        const retry =
          isBusy(error) && error.rawCode !== sqliteBusySnapshot && Date.now() < deadline;
        if (!retry) {
          if (isBusy(error)) this.#stale = true;
          this.#notifyIfUnlocked();
          throw toRequestError(error);
        }
      }
      // The same native statement is run again: running it resets the failed attempt.
      await this.#options.waiter.wait(Math.min(50, 2 ** attempt));
    }
  }

  #notifyIfUnlocked(): void {
    if (this.isAutocommit()) {
      if (this.#stale) this.#reopen();
      this.#options.waiter.notify();
    }
  }

  #reopen(): void {
    this.#stale = false;
    this.#cache.clear();
    this.#db.close();
    this.#db = this.#open();
    this.#meta = this.#prepareMeta();
  }

  #prepare(sql: string): PreparedStatement {
    const cached = this.#cache.get(sql);
    if (cached !== undefined) {
      this.#cache.delete(sql);
      this.#cache.set(sql, cached);
      return cached;
    }
    const native = this.#db.prepare<[SqlArg[]]>(sql);
    native.safeIntegers(true);
    const returnsRows = native.reader;
    if (returnsRows) native.raw(true);
    const prepared = { native, returnsRows };
    this.#cache.set(sql, prepared);
    if (this.#cache.size > statementCacheSize) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    return prepared;
  }

  #readMeta(): { changes: number; lastInsertRowid: bigint; totalChanges: bigint } {
    const row = this.#meta.all([])[0] as [bigint, bigint, bigint];
    return { changes: Number(row[0]), lastInsertRowid: row[1], totalChanges: row[2] };
  }

  #runPrepared(prepared: PreparedStatement, args: SqlArg[], wantRows: boolean): StmtResult {
    const started = performance.now();
    if (!prepared.returnsRows) {
      const info = prepared.native.run(args);
      const meta = this.#readMeta();
      return {
        cols: [],
        rows: [],
        affectedRowCount: info.changes,
        lastInsertRowid: meta.lastInsertRowid,
        queryDurationMs: performance.now() - started,
      };
    }

    const before = this.#readMeta().totalChanges;
    const rows: HranaValue[][] = [];
    for (const row of prepared.native.iterate(args) as Iterable<unknown[]>) {
      if (wantRows) rows.push(row.map(fromNative));
    }
    const meta = this.#readMeta();
    const cols: Col[] = prepared.native
      .columns()
      .map((c) => ({ name: c.name, decltype: c.type ?? null }));
    return {
      cols,
      rows,
      // changes() keeps the count of the last INSERT/UPDATE/DELETE, so it only belongs to
      // this statement when the statement itself changed rows (RETURNING).
      affectedRowCount: meta.totalChanges !== before ? meta.changes : 0,
      lastInsertRowid: meta.lastInsertRowid,
      queryDurationMs: performance.now() - started,
    };
  }

  /** Closes the connection, rolling back an open transaction. */
  close(): void {
    this.#cache.clear();
    if (!this.#db.open) return;
    // Closing with statements not yet finalized (they are freed by the garbage collector)
    // leaves the connection open, still holding its transaction's locks: roll back first.
    try {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
    } catch {
      // SQLite had already ended the transaction (ROLLBACK fails only then); closing is all
      // that is left to do.
    }
    this.#db.close();
    this.#options.waiter.notify();
  }
}
