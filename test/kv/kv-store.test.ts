import { describe, expect, it } from 'vitest';
import type { KvStore } from '../../src/kv/kv-store.ts';
import { sleep, sleepUntil, storeModes } from './store-modes.ts';

describe.each(storeModes)('KvStore contract: $name', ({ createStore }) => {
  let store: KvStore;
  const fresh = () => (store = createStore());

  it('returns null for a key that was never set', async () => {
    fresh();
    expect(await store.get('missing')).toBeNull();
  });

  it('returns values exactly as written, without interpreting them', async () => {
    fresh();
    const values = ['42', '{"a":1}', 'null', 'true', 'héllo ✓ 😀', 'line\r\n$3\r\nfoo', ''];
    for (const [i, value] of values.entries()) {
      expect(await store.set(`v${i}`, value)).toBe(true);
    }
    for (const [i, value] of values.entries()) {
      expect(await store.get(`v${i}`)).toBe(value);
    }
  });

  it('overwrites an existing value on a plain set', async () => {
    fresh();
    await store.set('k', 'one');
    expect(await store.set('k', 'two')).toBe(true);
    expect(await store.get('k')).toBe('two');
  });

  it('forgets a value once its ttl has passed', async () => {
    fresh();
    await store.set('short', 'v', { ttlMs: 200 });
    await store.set('long', 'v', { ttlMs: 60_000 });
    expect(await store.get('short')).toBe('v');
    await sleep(450);
    expect(await store.get('short')).toBeNull();
    expect(await store.get('long')).toBe('v');
  });

  it('writes with ifAbsent only when the key holds nothing', async () => {
    fresh();
    expect(await store.set('lock', 'first', { ifAbsent: true, ttlMs: 200 })).toBe(true);
    expect(await store.set('lock', 'second', { ifAbsent: true, ttlMs: 200 })).toBe(false);
    expect(await store.get('lock')).toBe('first');
    await sleep(450);
    expect(await store.set('lock', 'third', { ifAbsent: true })).toBe(true);
    expect(await store.get('lock')).toBe('third');
  });

  it('deletes a key and reports whether it existed', async () => {
    fresh();
    await store.set('gone', 'v');
    expect(await store.delete('gone')).toBe(true);
    expect(await store.delete('gone')).toBe(false);
    expect(await store.get('gone')).toBeNull();
  });

  it('refuses a non-positive or fractional ttl', async () => {
    fresh();
    await expect(store.set('k', 'v', { ttlMs: 0 })).rejects.toThrow(TypeError);
    await expect(store.set('k', 'v', { ttlMs: 1.5 })).rejects.toThrow(TypeError);
  });

  it('allows `limit` requests per window, counting down, then refuses', async () => {
    fresh();
    const rule = { limit: 3, windowMs: 60_000 };
    const remaining: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const result = await store.checkRateLimit('caller', rule);
      expect(result.allowed).toBe(true);
      expect(result.retryAfterMs).toBe(0);
      remaining.push(result.remaining);
    }
    expect(remaining).toEqual([2, 1, 0]);

    const refused = await store.checkRateLimit('caller', rule);
    const now = Date.now();
    expect(refused).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
    expect(refused.resetAt % rule.windowMs).toBe(0);
    expect(refused.resetAt).toBeGreaterThan(now);
    expect(refused.resetAt - now).toBeLessThanOrEqual(rule.windowMs);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(rule.windowMs);
  });

  it('keeps a separate budget per key and per window length', async () => {
    fresh();
    const rule = { limit: 1, windowMs: 60_000 };
    expect((await store.checkRateLimit('a', rule)).allowed).toBe(true);
    expect((await store.checkRateLimit('a', rule)).allowed).toBe(false);
    expect((await store.checkRateLimit('b', rule)).allowed).toBe(true);
    expect((await store.checkRateLimit('a', { limit: 1, windowMs: 30_000 })).allowed).toBe(true);
  });

  it('lets the previous window weigh in after it rolls over, then forgets it', async () => {
    fresh();
    const rule = { limit: 10, windowMs: 1_000 };
    // Start at the beginning of a window so all ten requests land in it.
    await sleepUntil(Math.ceil(Date.now() / rule.windowMs) * rule.windowMs + 5);
    let resetAt = 0;
    for (let i = 0; i < 10; i += 1) {
      const result = await store.checkRateLimit('slide', rule);
      expect(result.allowed).toBe(true);
      resetAt = result.resetAt;
    }
    expect((await store.checkRateLimit('slide', rule)).allowed).toBe(false);

    // Just after the roll-over most of the last window still counts, so few get through.
    await sleepUntil(resetAt + 30);
    const early = [];
    for (let i = 0; i < 10; i += 1) early.push((await store.checkRateLimit('slide', rule)).allowed);
    const allowedEarly = early.filter(Boolean).length;
    expect(allowedEarly).toBeGreaterThanOrEqual(1);
    expect(allowedEarly).toBeLessThanOrEqual(6);

    // Two windows later nothing is remembered: the full budget is back.
    await sleepUntil(resetAt + 2 * rule.windowMs + 5);
    const result = await store.checkRateLimit('slide', rule);
    expect(result).toMatchObject({ allowed: true, remaining: 9 });
  });

  it('rejects a rule that is not two positive integers', async () => {
    fresh();
    await expect(store.checkRateLimit('k', { limit: 0, windowMs: 1000 })).rejects.toThrow(
      TypeError,
    );
    await expect(store.checkRateLimit('k', { limit: 1, windowMs: -1 })).rejects.toThrow(TypeError);
  });
});
