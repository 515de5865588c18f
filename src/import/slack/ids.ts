const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
const randomChars = 12;
const idsPerRefill = 4096;

/**
 * Makes ids of the same shape as `newId` in src/lib/ids.ts (prefix, time part, 12 random base32
 * characters), drawing randomness for thousands of ids at a time: one Web Crypto call per id
 * was a tenth of a large import's time.
 */
export function createIdMaker(): (prefix: string, at: number) => string {
  let pool = new Uint8Array(0);
  let offset = 0;
  return function makeId(prefix, at) {
    if (offset + randomChars > pool.length) {
      pool = crypto.getRandomValues(new Uint8Array(randomChars * idsPerRefill));
      offset = 0;
    }
    let random = '';
    for (let i = 0; i < randomChars; i += 1) random += alphabet[pool[offset + i]! & 31];
    offset += randomChars;
    return `${prefix}_${at.toString(36).padStart(9, '0')}${random}`;
  };
}
