import { and, asc, desc, eq, gt, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import { apiTokens, messages, reactions, users } from '../db/schema.ts';

/**
 * The hot read queries, built once per database and run as prepared statements: building a
 * drizzle query costs more than SQLite takes to answer these.
 */
function buildReads(read: Tx) {
  const p = sql.placeholder;
  /** A channel's messages outside threads, narrowed by `bounds`. */
  const topLevel = (...bounds: SQL[]) =>
    read
      .select()
      .from(messages)
      .where(and(eq(messages.channelId, p('channelId')), isNull(messages.threadId), ...bounds));
  return {
    tokenByHash: () =>
      read
        .select({
          tokenId: apiTokens.id,
          userId: users.id,
          isAdmin: users.isAdmin,
          revokedAt: apiTokens.revokedAt,
          deactivatedAt: users.deactivatedAt,
        })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(eq(apiTokens.tokenHash, p('hash')))
        .prepare(),

    /** Top-level messages below `before`, newest first. */
    historyBack: () =>
      topLevel(lt(messages.seq, p('before')), gt(messages.seq, p('after')))
        .orderBy(desc(messages.seq))
        .limit(p('limit'))
        .prepare(),

    /** Top-level messages above `after`, oldest first. */
    historyForward: () =>
      topLevel(gt(messages.seq, p('after')))
        .orderBy(asc(messages.seq))
        .limit(p('limit'))
        .prepare(),

    /** Reactions of the messages whose ids are in the JSON array `ids`. */
    reactionsOf: () =>
      read
        .select()
        .from(reactions)
        .where(sql`${reactions.messageId} in (select value from json_each(${p('ids')}))`)
        .orderBy(asc(reactions.createdAt))
        .prepare(),
  };
}

type Builders = ReturnType<typeof buildReads>;
export type ReadQueries = { [K in keyof Builders]: ReturnType<Builders[K]> };

const cache = new WeakMap<Tx, Partial<ReadQueries>>();

/**
 * The prepared queries of a reader or transaction, each built on first use and kept as long as
 * the reader lives (a transaction's die with it).
 */
export function readQuery<K extends keyof ReadQueries>(tx: Tx, name: K): ReadQueries[K] {
  let built = cache.get(tx);
  if (!built) cache.set(tx, (built = {}));
  return (built[name] ??= buildReads(tx)[name]() as ReadQueries[K]);
}
