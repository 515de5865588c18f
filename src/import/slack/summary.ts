/** How many of each kind an import made (or found already there). */
export interface ImportCounts {
  users: number;
  /** Named channels, public and private. */
  channels: number;
  /** Direct and group-direct conversations. */
  dms: number;
  members: number;
  /** Top-level user and bot messages. */
  messages: number;
  /** Thread replies. */
  replies: number;
  reactions: number;
  /** System messages: joins, leaves, topic changes, renames, archiving and the like. */
  system: number;
}

/** Something the import left out, and why. */
export interface SkippedItem {
  /** The file, relative to the export's root. */
  path: string;
  reason: string;
  /** For a record inside a file: its position in the file's array. */
  index?: number;
  /** For a message: its Slack ts. */
  ts?: string;
}

export interface ImportSummary {
  /** What this run wrote. */
  created: ImportCounts;
  /** What was found from an earlier run and left alone. */
  existing: ImportCounts;
  skippedCount: number;
  /** The skipped items, up to `maxSkippedListed`; `skippedCount` has them all. */
  skipped: SkippedItem[];
  /** How many files the export holds. */
  files: number;
  durationMs: number;
}

export const maxSkippedListed = 1000;

export function emptyCounts(): ImportCounts {
  return {
    users: 0,
    channels: 0,
    dms: 0,
    members: 0,
    messages: 0,
    replies: 0,
    reactions: 0,
    system: 0,
  };
}

/** Collects what an import skipped, keeping a bounded list. */
export interface SkipLog {
  add(item: SkippedItem): void;
  readonly count: number;
  readonly items: SkippedItem[];
}

export function createSkipLog(): SkipLog {
  const items: SkippedItem[] = [];
  let count = 0;
  return {
    add(item) {
      count += 1;
      if (items.length < maxSkippedListed) items.push(item);
    },
    get count() {
      return count;
    },
    items,
  };
}

/** Adds every count of `more` into `into`. */
export function addCounts(into: ImportCounts, more: Partial<ImportCounts>): void {
  for (const [key, value] of Object.entries(more) as Array<[keyof ImportCounts, number]>) {
    into[key] += value;
  }
}
