export type { KvSetOptions, KvStore, RateLimitResult, RateLimitRule } from './kv-store.ts';
export { KvUnavailableError } from './kv-unavailable-error.ts';
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.ts';
export { createUpstashStore, type UpstashStoreOptions } from './upstash-store.ts';
