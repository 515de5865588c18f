import { inArray } from 'drizzle-orm';
import type { Database, Tx } from '../../db/database.ts';
import { users } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import { chunkArray, insertInBatches, maxInListSize } from './batch.ts';
import { pickUniqueName } from './names.ts';

/** A user to find by its Slack id, or create. */
export interface UserSpec {
  externalId: string;
  /** A valid stek name; made unique with a suffix when taken. */
  baseName: string;
  displayName: string;
  isAdmin: boolean;
  isBot: boolean;
  deactivatedAt: number | null;
}

/** A user the import can refer to, by Slack id. */
export interface KnownUser {
  id: string;
  name: string;
  isBot: boolean;
}

export interface EnsuredUsers {
  created: number;
  existing: number;
}

const usersPerJob = 2000;

async function findByExternalId(tx: Tx, ids: string[]) {
  const found = [];
  for (const part of chunkArray(ids, maxInListSize)) {
    found.push(
      ...(await tx
        .select({
          id: users.id,
          name: users.name,
          isBot: users.isBot,
          externalId: users.externalId,
        })
        .from(users)
        .where(inArray(users.externalId, part))),
    );
  }
  return found;
}

/**
 * Finds each user by Slack id or creates it, adding all of them to `known`. Users that exist are
 * left as they are. Names are checked against the database inside the write, so a name taken
 * since the import started is still made unique.
 */
export async function ensureUsers(
  db: Database,
  specs: UserSpec[],
  known: Map<string, KnownUser>,
  at: number,
): Promise<EnsuredUsers> {
  const result: EnsuredUsers = { created: 0, existing: 0 };
  const pending = specs.filter((spec) => !known.has(spec.externalId));
  for (const part of chunkArray(pending, usersPerJob)) {
    const outcome = await db.write(async (tx) => {
      const found = await findByExternalId(
        tx,
        part.map((spec) => spec.externalId),
      );
      const byExternalId = new Map(found.map((row) => [row.externalId!, row]));
      const missing = part.filter((spec) => !byExternalId.has(spec.externalId));
      const rows: Array<typeof users.$inferInsert> = [];
      if (missing.length > 0) {
        const taken = new Set(
          (await tx.select({ name: users.name }).from(users)).map((row) => row.name),
        );
        for (const spec of missing) {
          rows.push({
            id: newId('usr', at),
            name: pickUniqueName(spec.baseName, taken),
            displayName: spec.displayName,
            isAdmin: spec.isAdmin,
            isBot: spec.isBot,
            deactivatedAt: spec.deactivatedAt,
            externalId: spec.externalId,
            createdAt: at,
          });
        }
        await insertInBatches(rows, 8, (batch) => tx.insert(users).values(batch));
      }
      return { found, rows };
    });
    for (const row of outcome.found) known.set(row.externalId!, row);
    for (const row of outcome.rows) {
      known.set(row.externalId!, { id: row.id, name: row.name, isBot: row.isBot ?? false });
    }
    result.existing += outcome.found.length;
    result.created += outcome.rows.length;
  }
  return result;
}
