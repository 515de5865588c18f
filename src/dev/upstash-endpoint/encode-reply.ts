import { RespError, type RespValue } from './resp-parser.ts';

/** A reply in the REST API's JSON form. */
export type JsonReply = string | number | null | JsonReply[];

/**
 * Converts a redis reply to the JSON the REST client expects. With base64 on, every string
 * (bulk and simple alike) is sent as base64 of its bytes, which is what the client's decoder
 * undoes; integers stay JSON numbers and nil stays null, at any depth. Without base64, bytes are
 * read as UTF-8, so binary values come back lossy, as with the hosted service.
 */
export function encodeReply(value: RespValue, base64: boolean): JsonReply {
  if (value === null || typeof value === 'number') return value;
  if (Array.isArray(value)) return value.map((item) => encodeReply(item, base64));
  if (value instanceof RespError) return encodeString(Buffer.from(value.message), base64);
  if (typeof value === 'string') return encodeString(Buffer.from(value, 'utf8'), base64);
  return encodeString(value, base64);
}

function encodeString(bytes: Buffer, base64: boolean): string {
  return base64 ? bytes.toString('base64') : bytes.toString('utf8');
}
