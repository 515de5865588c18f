// Seeds one channel with N messages (and their events) straight into a database file, in bulk.
import { sql } from 'drizzle-orm';
import { channelMembers, channels, events, messages } from '../src/db/schema.ts';
import { createUser, issueToken } from '../src/chat/users.ts';
import { openDatabase } from '../src/db/node.ts';
import { newId } from '../src/lib/ids.ts';

export interface Seeded {
  channelId: string;
  token: string;
  userId: string;
}

export async function seedChannel(dbPath: string, count: number): Promise<Seeded> {
  const db = await openDatabase({ url: `file:${dbPath}` });
  const chat = { db, now: Date.now };
  const user = await createUser(chat, { name: `bench-${Date.now()}` });
  const { token } = await issueToken(chat, user.id, 'bench');
  const channelId = newId('ch');
  const start = Date.now() - count * 10;
  await db.write(async (tx) => {
    await tx.insert(channels).values({
      id: channelId,
      name: `bench-${channelId.slice(-8)}`,
      createdAt: start,
      createdBy: user.id,
    });
    await tx.insert(channelMembers).values({ channelId, userId: user.id, joinedAt: start });
  });
  const chunk = 5000;
  const rowsPerInsert = 400; // keeps each statement under SQLite's bound-variable limit
  for (let first = 1; first <= count; first += chunk) {
    const last = Math.min(count, first + chunk - 1);
    await db.write(async (tx) => {
      for (let s = first; s <= last; s += rowsPerInsert) {
        const upto = Math.min(last, s + rowsPerInsert - 1);
        const ms = [];
        const es = [];
        for (let seq = s; seq <= upto; seq++) {
          const at = start + seq * 10;
          const message = {
            id: newId('msg', at),
            channelId,
            seq,
            authorId: user.id,
            text: `message number ${seq}: the quick brown fox jumps over the lazy dog`,
            createdAt: at,
          };
          ms.push(message);
          es.push({
            channelId,
            seq,
            type: 'message.created',
            actorId: user.id,
            data: JSON.stringify({ message }),
            createdAt: at,
          });
        }
        await tx.insert(messages).values(ms);
        await tx.insert(events).values(es);
      }
      await tx
        .update(channels)
        .set({ headSeq: last })
        .where(sql`id = ${channelId}`);
    });
    if (process.stderr.isTTY) process.stderr.write(`\rseeded ${last}/${count}`);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  await db.close();
  return { channelId, token, userId: user.id };
}
