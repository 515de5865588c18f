const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/** Random base32 text of `length` characters from Web Crypto. */
export function randomBase32(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
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
