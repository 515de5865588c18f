/**
 * Bound parameters per statement. SQLite's limit is 32,766 since 3.32 (999 before); staying well
 * under it keeps statements quick to prepare while still inserting hundreds of rows at once.
 */
export const maxVariablesPerStatement = 8000;

/** Lookups with `in (...)` take at most this many values. */
export const maxInListSize = 500;

export function chunkArray<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Runs a multi-row insert per batch of rows, each batch under the variable limit. */
export async function insertInBatches<T>(
  rows: T[],
  columnsPerRow: number,
  insert: (batch: T[]) => Promise<unknown>,
): Promise<void> {
  const size = Math.max(1, Math.floor(maxVariablesPerStatement / columnsPerRow));
  for (const batch of chunkArray(rows, size)) await insert(batch);
}
