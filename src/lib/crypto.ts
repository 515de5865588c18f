const encoder = new TextEncoder();

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = '';
  for (const byte of view) out += byte.toString(16).padStart(2, '0');
  return out;
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/** A fresh API token secret: a recognizable prefix and 32 random bytes, hex. */
export function newTokenSecret(): string {
  return `stek_${toHex(crypto.getRandomValues(new Uint8Array(32)))}`;
}
