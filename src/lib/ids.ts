const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

// Web Crypto is asked for random bytes in blocks rather than per id: one call per request id
// and per new row was a measurable part of a request's CPU (and a tenth of a large import's
// time). Every byte is used once.
const poolSize = 16 * 1024;
let pool = new Uint8Array(0);
let poolOffset = 0;

function takeRandomBytes(length: number): Uint8Array {
  if (length > poolSize) return crypto.getRandomValues(new Uint8Array(length));
  if (poolOffset + length > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(poolSize));
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + length);
  poolOffset += length;
  return bytes;
}

/** Random base32 text of `length` characters from Web Crypto. */
export function randomBase32(length: number): string {
  const bytes = takeRandomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte & 31];
  return out;
}

/**
 * A new id: a prefix naming the kind (`usr`, `ch`, `msg`, `tok`), then a time part so ids sort
 * roughly by creation, then randomness.
 */
export function newId(prefix: string, now = Date.now()): string {
  return `${prefix}_${now.toString(36).padStart(9, '0')}${randomBase32(12)}`;
}

/** A request id for a response: `req_` and 16 random characters. */
export function newRequestId(): string {
  return `req_${randomBase32(16)}`;
}
