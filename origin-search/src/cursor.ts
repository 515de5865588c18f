import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signs and checks page cursors, so Solr only ever sees cursor marks it issued itself. */
export interface CursorSigner {
  /** Wraps a Solr cursor mark for the given sort into an opaque, signed cursor. */
  sign(mark: string, sort: string): string;
  /** The cursor mark inside a cursor, or null when the cursor is forged, damaged or for another sort. */
  verify(cursor: string, sort: string): string | null;
}

export function createCursorSigner(secret: string): CursorSigner {
  const mac = (payload: string) =>
    createHmac('sha256', `cursor:${secret}`).update(payload).digest('base64url').slice(0, 22);
  return {
    sign(mark, sort) {
      const payload = Buffer.from(JSON.stringify({ m: mark, s: sort })).toString('base64url');
      return `${payload}.${mac(payload)}`;
    },
    verify(cursor, sort) {
      const [payload, tag, extra] = cursor.split('.');
      if (!payload || !tag || extra !== undefined) return null;
      const expected = Buffer.from(mac(payload));
      const given = Buffer.from(tag);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      try {
        const value = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
          m?: unknown;
          s?: unknown;
        };
        return typeof value.m === 'string' && value.s === sort ? value.m : null;
      } catch {
        return null;
      }
    },
  };
}
