// The API signs what it POSTs to a room with the shared secret, so the secret itself never
// travels and a request cannot be replayed long after it was made.
import { equalBytes, fromBase64Url, hmacSha256, toBase64Url } from './hmac.ts';

/** The header carrying `t=<ms>,s=<base64url HMAC of "<ms>.<body>">`. */
export const signatureHeader = 'x-stek-signature';

/** How far a signed request's clock may be from the room's before it is refused. */
export const signatureWindowMs = 5 * 60_000;

/** The signature header value for a body sent at `now`. */
export async function signRequestBody(body: string, secret: string, now: number): Promise<string> {
  const mac = await hmacSha256(`${now}.${body}`, secret);
  return `t=${now},s=${toBase64Url(mac)}`;
}

/** Whether `header` is a fresh, valid signature of `body`. */
export async function verifyRequestBody(
  body: string,
  header: string | null,
  secret: string,
  now: number,
): Promise<boolean> {
  const match = /^t=(\d{1,16}),s=([A-Za-z0-9_-]{1,100})$/.exec(header ?? '');
  if (!match) return false;
  const sentAt = Number(match[1]);
  if (Math.abs(now - sentAt) > signatureWindowMs) return false;
  const given = fromBase64Url(match[2]!);
  if (!given) return false;
  return equalBytes(await hmacSha256(`${sentAt}.${body}`, secret), given);
}
