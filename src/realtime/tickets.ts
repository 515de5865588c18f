// Short-lived signed tickets: the API issues one to a caller allowed into a channel's room, the
// room checks it without calling the database. Web Crypto only, so the same code runs in the API
// (Node, workerd, Deno) and in the room (workerd).
import { equalBytes, fromBase64Url, hmacSha256, toBase64Url } from './hmac.ts';

/** What a ticket says: who may join which room, until when (ms since the epoch). */
export interface TicketClaims {
  channelId: string;
  userId: string;
  /** When the ticket was issued; lets a room refuse tickets older than a removal. */
  issuedAt: number;
  expiresAt: number;
}

export type TicketRefusal = 'malformed' | 'bad_signature' | 'expired' | 'wrong_channel';

export type TicketCheck = { ok: true; claims: TicketClaims } | { ok: false; reason: TicketRefusal };

export interface SignTicketInput {
  channelId: string;
  userId: string;
  expiresAt: number;
  /** Defaults to now. */
  issuedAt?: number;
}

export interface VerifyTicketOptions {
  /** The room the ticket is presented to. */
  channelId: string;
  /** The verifier's clock, ms since the epoch. */
  now: number;
}

const version = 'v1';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The shortest shared secret accepted; anything shorter is a configuration mistake. */
export const minSecretLength = 16;

function assertSecret(secret: string): void {
  if (secret.length < minSecretLength) {
    throw new TypeError(`the realtime secret must be at least ${minSecretLength} characters`);
  }
}

/** Signs a ticket: `v1.<claims, base64url JSON>.<HMAC-SHA256, base64url>`. */
export async function signTicket(input: SignTicketInput, secret: string): Promise<string> {
  assertSecret(secret);
  const claims = {
    c: input.channelId,
    u: input.userId,
    iat: input.issuedAt ?? Date.now(),
    exp: input.expiresAt,
  };
  const payload = `${version}.${toBase64Url(encoder.encode(JSON.stringify(claims)))}`;
  return `${payload}.${toBase64Url(await hmacSha256(payload, secret))}`;
}

function parseClaims(bytes: Uint8Array): TicketClaims | null {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(bytes));
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const { c, u, iat, exp } = raw as Record<string, unknown>;
  if (typeof c !== 'string' || typeof u !== 'string' || !c || !u) return null;
  if (!Number.isFinite(iat) || !Number.isFinite(exp)) return null;
  return { channelId: c, userId: u, issuedAt: iat as number, expiresAt: exp as number };
}

/**
 * Checks a ticket's signature, expiry and room. Refusals are values; only a missing secret throws.
 * The signature is checked before the claims are read, so nothing unsigned is ever trusted.
 */
export async function verifyTicket(
  ticket: string,
  secret: string,
  options: VerifyTicketOptions,
): Promise<TicketCheck> {
  assertSecret(secret);
  const parts = ticket.split('.');
  if (parts.length !== 3 || parts[0] !== version || ticket.length > 4096) {
    return { ok: false, reason: 'malformed' };
  }
  const claimBytes = fromBase64Url(parts[1]!);
  const signature = fromBase64Url(parts[2]!);
  if (!claimBytes || !signature) return { ok: false, reason: 'malformed' };

  const expected = await hmacSha256(`${parts[0]}.${parts[1]}`, secret);
  if (!equalBytes(expected, signature)) return { ok: false, reason: 'bad_signature' };

  const claims = parseClaims(claimBytes);
  if (!claims) return { ok: false, reason: 'malformed' };
  if (claims.expiresAt <= options.now) return { ok: false, reason: 'expired' };
  if (claims.channelId !== options.channelId) return { ok: false, reason: 'wrong_channel' };
  return { ok: true, claims };
}
