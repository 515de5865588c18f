import { describe, expect, it } from 'vitest';
import { signTicket, verifyTicket } from '../../src/realtime/tickets.ts';
import { readRealtimeConfig } from '../../src/realtime/config.ts';
import { signRequestBody, verifyRequestBody } from '../../src/realtime/request-signature.ts';

const secret = 'a-secret-of-enough-length';
const now = Date.UTC(2026, 0, 1);

async function ticketFor(
  claims: Partial<{ channelId: string; userId: string; expiresAt: number }>,
) {
  return signTicket(
    { channelId: 'ch_1', userId: 'usr_1', expiresAt: now + 60_000, issuedAt: now, ...claims },
    secret,
  );
}

describe('tickets', () => {
  it('accepts its own ticket for the right channel and returns the claims', async () => {
    const result = await verifyTicket(await ticketFor({}), secret, { channelId: 'ch_1', now });
    expect(result).toEqual({
      ok: true,
      claims: { channelId: 'ch_1', userId: 'usr_1', issuedAt: now, expiresAt: now + 60_000 },
    });
  });

  it('refuses a ticket signed with another secret as a bad signature', async () => {
    const forged = await signTicket(
      { channelId: 'ch_1', userId: 'usr_1', expiresAt: now + 60_000 },
      'somebody-elses-secret',
    );
    expect(await verifyTicket(forged, secret, { channelId: 'ch_1', now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a ticket whose claims were edited after signing', async () => {
    const [v, , sig] = (await ticketFor({})).split('.');
    const claims = btoa(JSON.stringify({ c: 'ch_1', u: 'usr_admin', iat: now, exp: now + 1e9 }))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    const result = await verifyTicket(`${v}.${claims}.${sig}`, secret, { channelId: 'ch_1', now });
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses an expired ticket, and one expiring exactly now', async () => {
    const ticket = await ticketFor({ expiresAt: now });
    expect(await verifyTicket(ticket, secret, { channelId: 'ch_1', now })).toEqual({
      ok: false,
      reason: 'expired',
    });
    const valid = await verifyTicket(ticket, secret, { channelId: 'ch_1', now: now - 1 });
    expect(valid.ok).toBe(true);
  });

  it('refuses a ticket for another channel', async () => {
    expect(await verifyTicket(await ticketFor({}), secret, { channelId: 'ch_2', now })).toEqual({
      ok: false,
      reason: 'wrong_channel',
    });
  });

  it.each(['', 'v1', 'v1.abc', 'v2.e30.AAAA', 'v1.!!!.AAAA', 'v1.e30.AAAA.extra'])(
    'refuses %j as malformed',
    async (ticket) => {
      expect(await verifyTicket(ticket, secret, { channelId: 'ch_1', now })).toEqual({
        ok: false,
        reason: 'malformed',
      });
    },
  );

  it('refuses to sign or verify with a secret shorter than 16 characters', async () => {
    await expect(
      ticketFor({}).then((t) => verifyTicket(t, 'short', { channelId: 'x', now })),
    ).rejects.toThrow(/at least 16/);
    await expect(
      signTicket({ channelId: 'c', userId: 'u', expiresAt: now }, 'short'),
    ).rejects.toThrow(TypeError);
  });
});

describe('request signatures', () => {
  it('accepts a fresh signature of the same body and refuses a changed body', async () => {
    const header = await signRequestBody('{"events":[]}', secret, now);
    expect(await verifyRequestBody('{"events":[]}', header, secret, now + 1_000)).toBe(true);
    expect(await verifyRequestBody('{"events":[1]}', header, secret, now + 1_000)).toBe(false);
    expect(await verifyRequestBody('{"events":[]}', header, 'another-secret-value', now)).toBe(
      false,
    );
  });

  it('refuses a signature older than five minutes and a missing header', async () => {
    const header = await signRequestBody('{}', secret, now);
    expect(await verifyRequestBody('{}', header, secret, now + 5 * 60_000 + 1)).toBe(false);
    expect(await verifyRequestBody('{}', null, secret, now)).toBe(false);
  });
});

describe('realtime configuration', () => {
  it('is off without REALTIME_HOST and complete with it', () => {
    expect(readRealtimeConfig({})).toBeNull();
    expect(
      readRealtimeConfig({
        REALTIME_HOST: 'http://127.0.0.1:1999/',
        REALTIME_SECRET: secret,
        REALTIME_TICKET_TTL_MS: '30000',
      }),
    ).toEqual({
      options: {
        host: 'http://127.0.0.1:1999',
        publicHost: undefined,
        secret,
        ticketTtlMs: 30_000,
      },
      publishTimeoutMs: 2_000,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => readRealtimeConfig({ REALTIME_HOST: 'http://127.0.0.1:1999' })).toThrow(
      /REALTIME_SECRET: required/,
    );
    expect(() =>
      readRealtimeConfig({ REALTIME_HOST: 'localhost:1999', REALTIME_SECRET: secret }),
    ).toThrow(/REALTIME_HOST: must be an http\(s\) origin/);
    expect(() =>
      readRealtimeConfig({ REALTIME_HOST: 'http://127.0.0.1:1', REALTIME_SECRET: 'short' }),
    ).toThrow(/REALTIME_SECRET/);
  });
});
