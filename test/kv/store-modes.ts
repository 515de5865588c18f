import { inject } from 'vitest';
import { createMemoryStore } from '../../src/kv/memory-store.ts';
import { createUpstashStore } from '../../src/kv/upstash-store.ts';
import type { KvStore } from '../../src/kv/kv-store.ts';

/** A way to build a fresh, isolated store for one test. */
export interface StoreMode {
  name: string;
  createStore: () => KvStore;
}

/** Both stores: the suites built on these must pass identically against each. */
export const storeModes: StoreMode[] = [
  { name: 'memory store', createStore: () => createMemoryStore() },
  {
    name: 'upstash store',
    createStore: () =>
      createUpstashStore({
        url: inject('kvUrl'),
        token: inject('kvToken'),
        // Generous: the suite checks behaviour, not latency, on a possibly busy machine.
        timeoutMs: 2_000,
        prefix: `test-${crypto.randomUUID()}`,
      }),
  },
];

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sleeps until `at` (ms since epoch) has passed. */
export async function sleepUntil(at: number): Promise<void> {
  const wait = at - Date.now();
  if (wait > 0) await sleep(wait);
}
