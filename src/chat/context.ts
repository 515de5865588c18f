import type { Database } from '../db/database.ts';

/** What every service function works with: the database and a clock. */
export interface ChatContext {
  db: Database;
  now: () => number;
}

/** Who is acting: the authenticated caller. */
export interface Actor {
  userId: string;
  isAdmin: boolean;
  tokenId?: string;
}
