import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KvUnavailableError } from '../../src/kv/kv-unavailable-error.ts';
import { createUpstashStore } from '../../src/kv/upstash-store.ts';

// A server that accepts requests and never answers: the shape of a hung dependency.
let silent: Server;
let silentUrl: string;

beforeAll(async () => {
  silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});

afterAll(async () => {
  silent.closeAllConnections();
  await new Promise((resolve) => silent.close(resolve));
});

async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('createUpstashStore failures', () => {
  it('throws KvUnavailableError within the timeout when the service does not answer', async () => {
    const store = createUpstashStore({ url: silentUrl, token: 't', timeoutMs: 150 });
    for (const operation of [
      () => store.get('k'),
      () => store.set('k', 'v', { ifAbsent: true, ttlMs: 1000 }),
      () => store.delete('k'),
      () => store.checkRateLimit('k', { limit: 1, windowMs: 1000 }),
    ]) {
      const started = performance.now();
      const error = await operation().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KvUnavailableError);
      expect((error as Error).message).toMatch(/timed out/);
      expect((error as Error).cause).toBeInstanceOf(Error);
      expect(performance.now() - started).toBeLessThan(1_500);
    }
  });

  it('throws KvUnavailableError with the network error as cause when nothing listens', async () => {
    const store = createUpstashStore({ url: await closedPortUrl(), token: 't', timeoutMs: 1_000 });
    const error = await store.get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KvUnavailableError);
    expect((error as Error).message).toMatch(/^kv get failed/);
    expect((error as Error).cause).toBeDefined();
  });

  it('throws KvUnavailableError when the token is refused', async () => {
    const store = createUpstashStore({ url: inject('kvUrl'), token: 'wrong', timeoutMs: 1_000 });
    await expect(store.set('k', 'v')).rejects.toThrow(KvUnavailableError);
    await expect(store.set('k', 'v')).rejects.toThrow(/Unauthorized/);
  });

  it('keeps keys of stores with different prefixes apart', async () => {
    const options = { url: inject('kvUrl'), token: inject('kvToken'), timeoutMs: 2_000 };
    const a = createUpstashStore({ ...options, prefix: `a-${crypto.randomUUID()}` });
    const b = createUpstashStore({ ...options, prefix: `b-${crypto.randomUUID()}` });
    await a.set('same', 'from a');
    expect(await b.get('same')).toBeNull();
    expect(await a.get('same')).toBe('from a');
  });

  it('refuses a missing url or token and a bad timeout when created', () => {
    expect(() => createUpstashStore({ url: '', token: 't' })).toThrow(TypeError);
    expect(() => createUpstashStore({ url: silentUrl, token: 't', timeoutMs: 0 })).toThrow(
      TypeError,
    );
  });
});
