import type { Client, ResultSet } from '@libsql/client';
// The web build of the driver: given a client it never opens one itself, so it bundles for workerd.
import { drizzle } from 'drizzle-orm/libsql/web';
import { sql } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as schema from './schema.ts';

/** What a read or a write job works with: drizzle over libSQL, with stek's schema. */
export type Tx = BaseSQLiteDatabase<'async', ResultSet, typeof schema>;

export interface Database {
  /** For reads. Never use it to write: writes go through `write` so they are serialized. */
  readonly read: Tx;
  /**
   * Runs `job` in a write transaction. Jobs run one at a time, in arrival order; on a local file
   * the jobs that queued up meanwhile share one commit, each inside its own savepoint, so a job
   * that throws rolls back only its own changes. The promise settles after the commit.
   */
  write<T>(job: (tx: Tx) => Promise<T>): Promise<T>;
  /** Closes the clients once queued writes have finished. */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  client: Client;
  /** How many queued write jobs may share one commit. */
  maxGroupSize?: number;
  /**
   * Waited for before a commit starts on an idle queue, so writes arriving in the same turn of
   * the event loop share it (Node: `setImmediate`). Without it a write starts at once.
   */
  gather?: () => Promise<void>;
}

const savepoint = {
  open: sql.raw('savepoint write_job'),
  release: sql.raw('release write_job'),
  rollback: sql.raw('rollback to write_job'),
};

interface QueuedJob {
  run: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * Wraps a libSQL client into stek's database: pooled reads plus one serialized writer. Writes
 * are serialized in-process because concurrent write transactions on one file fail with
 * SQLITE_BUSY in the client; queuing also lets a burst of small writes share one commit.
 */
export function createDatabase(options: DatabaseOptions): Database {
  const db = drizzle(options.client, { schema });
  const maxGroupSize = options.maxGroupSize ?? 64;
  const queue: QueuedJob[] = [];
  let draining: Promise<void> | undefined;

  async function runGroup(group: QueuedJob[]): Promise<void> {
    const settled: Array<() => void> = [];
    try {
      await db.transaction(async (outer) => {
        if (group.length === 1) {
          // Alone in its commit, a job needs no savepoint: the transaction is its boundary.
          const job = group[0]!;
          const value = await job.run(outer);
          settled.push(() => job.resolve(value));
          return;
        }
        for (const job of group) {
          // Each job in its own savepoint, so a failing job undoes only its own changes. Plain
          // statements on the shared transaction: a nested drizzle transaction per job built a
          // whole database object each time.
          await outer.run(savepoint.open);
          try {
            const value = await job.run(outer);
            await outer.run(savepoint.release);
            settled.push(() => job.resolve(value));
          } catch (err) {
            await outer.run(savepoint.rollback);
            await outer.run(savepoint.release);
            settled.push(() => job.reject(err));
          }
        }
      });
    } catch (err) {
      // The commit itself failed: nothing in the group landed, so every job fails with it.
      for (const job of group) job.reject(err);
      return;
    }
    for (const settle of settled) settle();
  }

  async function drain(): Promise<void> {
    await options.gather?.();
    while (queue.length > 0) await runGroup(queue.splice(0, maxGroupSize));
    draining = undefined;
  }

  return {
    read: db,
    write<T>(job: (tx: Tx) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ run: job, resolve: resolve as (value: unknown) => void, reject });
        draining ??= drain();
      });
    },
    async close() {
      await draining;
      options.client.close();
    },
  };
}
