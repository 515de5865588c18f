// A libSQL `Client` for a local file, on the `libsql` binding directly. `@libsql/client` builds
// every row with one property definition per column, which made a 50-message history page cost
// more in row objects than in SQLite itself; this client keeps prepared statements and builds
// rows as plain arrays with the column names attached. Node-only, like every `file:` database.
import type {
  Client,
  InArgs,
  InStatement,
  InValue,
  ResultSet,
  Row,
  Transaction,
  TransactionMode,
} from '@libsql/client';
import Database from 'libsql';

type Binding = InstanceType<typeof Database>;
type Statement = ReturnType<Binding['prepare']>;

export interface LocalClientOptions {
  /** A file path (not a URL). */
  path: string;
  /** How long a statement waits for another process's write lock, in ms. */
  busyTimeoutMs?: number;
  /** Prepared statements kept per connection. */
  statementCacheSize?: number;
}

function toArg(value: InValue | undefined): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.valueOf();
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  return value;
}

function toArgs(args: InArgs | undefined): unknown[] | Record<string, unknown> {
  if (!args) return [];
  if (Array.isArray(args)) return args.map(toArg);
  const named: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) named[key.replace(/^[:@$]/, '')] = toArg(value);
  return named;
}

function normalize(stmt: InStatement, args?: InArgs): { sql: string; args: InArgs | undefined } {
  return typeof stmt === 'string' ? { sql: stmt, args } : { sql: stmt.sql, args: stmt.args };
}

function resultSet(
  columns: string[],
  columnTypes: string[],
  rows: Row[],
  rowsAffected: number,
  lastInsertRowid: bigint | undefined,
): ResultSet {
  return {
    columns,
    columnTypes,
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON: () => ({ columns, columnTypes, rows, rowsAffected, lastInsertRowid: null }),
  };
}

interface Prepared {
  stmt: Statement;
  /** Whether it returns rows (asked of the binding once: each ask is a native call). */
  reader: boolean;
  columns: string[];
  types: string[];
  /** A statement that returns rows and writes (`… RETURNING`). */
  returnsAndWrites: boolean;
}

/** One connection with its own statement cache. */
class Connection {
  readonly db: Binding;
  private readonly cache = new Map<string, Prepared>();
  private changes: Statement | undefined;

  constructor(
    path: string,
    busyTimeoutMs: number,
    private readonly cacheSize: number,
  ) {
    this.db = new Database(path, { timeout: busyTimeoutMs / 1000 });
    this.db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
    this.db.exec('PRAGMA foreign_keys = ON');
    // Per connection: in WAL mode NORMAL syncs at checkpoints, not at every commit; a crash may
    // lose the last commits but never corrupts the file.
    this.db.exec('PRAGMA synchronous = NORMAL');
  }

  private prepared(sql: string) {
    let entry = this.cache.get(sql);
    if (entry) {
      // Refresh its place: the cache drops the least recently used statement.
      this.cache.delete(sql);
      this.cache.set(sql, entry);
      return entry;
    }
    const stmt = this.db.prepare(sql);
    const reader = stmt.reader;
    const cols = reader ? (stmt.columns() as Array<{ name: string; type: string | null }>) : [];
    if (reader) stmt.raw(true);
    entry = {
      stmt,
      reader,
      columns: cols.map((c) => c.name),
      types: cols.map((c) => c.type ?? ''),
      returnsAndWrites: reader && /\breturning\b/i.test(sql),
    };
    this.cache.set(sql, entry);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return entry;
  }

  execute(stmt: InStatement, args?: InArgs): ResultSet {
    const { sql, args: given } = normalize(stmt, args);
    const { stmt: prepared, reader, columns, types, returnsAndWrites } = this.prepared(sql);
    const bound = toArgs(given);
    if (!reader) {
      const info = prepared.run(bound) as { changes: number; lastInsertRowid: number | bigint };
      return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
    }
    const raw = prepared.all(bound) as unknown[][];
    const rows = raw.map((values) => {
      const row = values as unknown as Record<string, unknown> & unknown[];
      for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
      return row as unknown as Row;
    });
    let changes = 0;
    if (returnsAndWrites) {
      this.changes ??= this.db.prepare('select changes()').raw(true);
      changes = Number((this.changes.get([]) as unknown[])[0]);
    }
    return resultSet(columns, types, rows, changes, undefined);
  }

  close(): void {
    this.cache.clear();
    this.db.close();
  }
}

const beginFor: Record<TransactionMode, string> = {
  write: 'BEGIN IMMEDIATE',
  read: 'BEGIN',
  deferred: 'BEGIN DEFERRED',
};

/**
 * Opens a local database file as a libSQL client. Reads share one connection; each transaction
 * takes a connection of its own from a small pool, so a read never sees another request's
 * uncommitted writes.
 */
export function createLocalClient(options: LocalClientOptions): Client {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  const cacheSize = options.statementCacheSize ?? 200;
  const open = () => new Connection(options.path, busyTimeoutMs, cacheSize);
  const main = open();
  main.db.exec('PRAGMA journal_mode = WAL');
  const idle: Connection[] = [];
  let closed = false;

  function checkOpen(): void {
    if (closed) throw new Error('the database client is closed');
  }

  function inTransaction<T>(conn: Connection, mode: TransactionMode, run: () => T): T {
    conn.db.exec(beginFor[mode]);
    try {
      const value = run();
      conn.db.exec('COMMIT');
      return value;
    } catch (err) {
      if (conn.db.inTransaction) conn.db.exec('ROLLBACK');
      throw err;
    }
  }

  function transaction(mode: TransactionMode): Transaction {
    const conn = idle.pop() ?? open();
    conn.db.exec(beginFor[mode]);
    let done = false;
    const finish = (sql: string | null) => {
      if (done) return;
      done = true;
      try {
        if (sql && conn.db.inTransaction) conn.db.exec(sql);
      } finally {
        if (conn.db.inTransaction) conn.db.exec('ROLLBACK');
        if (closed) conn.close();
        else idle.push(conn);
      }
    };
    const tx: Transaction = {
      async execute(stmt: InStatement) {
        if (done) throw new Error('the transaction is closed');
        return conn.execute(stmt);
      },
      async batch(stmts: InStatement[]) {
        if (done) throw new Error('the transaction is closed');
        return stmts.map((s) => conn.execute(s));
      },
      async executeMultiple(sql: string) {
        if (done) throw new Error('the transaction is closed');
        conn.db.exec(sql);
      },
      async commit() {
        finish('COMMIT');
      },
      async rollback() {
        finish('ROLLBACK');
      },
      close() {
        finish('ROLLBACK');
      },
      get closed() {
        return done;
      },
    } as Transaction;
    return tx;
  }

  const client = {
    async execute(stmt: InStatement, args?: InArgs) {
      checkOpen();
      return main.execute(stmt, args);
    },
    async batch(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = 'deferred') {
      checkOpen();
      const conn = idle.pop() ?? open();
      try {
        return inTransaction(conn, mode, () =>
          stmts.map((s) => (Array.isArray(s) ? conn.execute(s[0], s[1]) : conn.execute(s))),
        );
      } finally {
        idle.push(conn);
      }
    },
    async migrate(stmts: InStatement[]) {
      return client.batch(stmts, 'write');
    },
    async transaction(mode: TransactionMode = 'write') {
      checkOpen();
      return transaction(mode);
    },
    async executeMultiple(sql: string) {
      checkOpen();
      main.db.exec(sql);
    },
    async sync() {
      return undefined;
    },
    close() {
      if (closed) return;
      closed = true;
      main.close();
      for (const conn of idle.splice(0)) conn.close();
    },
    get closed() {
      return closed;
    },
    protocol: 'file' as const,
  };
  return client as unknown as Client;
}
