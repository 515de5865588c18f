const encoder = new TextEncoder();

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = '';
  for (const byte of view) out += byte.toString(16).padStart(2, '0');
  return out;
}

type SyncHash = (text: string) => string;

/**
 * A synchronous SHA-256 where the runtime has Node's crypto module (Node, Deno, workerd with
 * nodejs_compat): every authenticated request hashes its token, and the Web Crypto digest costs
 * a round trip through a worker thread on Node. Elsewhere, Web Crypto.
 */
const syncSha256: SyncHash | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const nodeCrypto = proc?.getBuiltinModule?.('node:crypto') as
    | { createHash(algorithm: string): { update(text: string): { digest(enc: 'hex'): string } } }
    | undefined;
  return nodeCrypto
    ? (text) => nodeCrypto.createHash('sha256').update(text).digest('hex')
    : undefined;
})();

export async function sha256Hex(text: string): Promise<string> {
  if (syncSha256) return syncSha256(text);
  return toHex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/** A fresh API token secret: a recognizable prefix and 32 random bytes, hex. */
export function newTokenSecret(): string {
  return `stek_${toHex(crypto.getRandomValues(new Uint8Array(32)))}`;
}
