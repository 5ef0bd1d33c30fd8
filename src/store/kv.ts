import { LRUCache } from 'lru-cache';

/**
 * Small shared key-value state with expiry: access tokens, streamed-answer state, dedupe fast path.
 * Embedded: in-process (lru-cache). Scaled: Redis, so every web and worker process sees the same values.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets only when absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  close?(): Promise<void>;
}

export function createMemoryKeyValueStore(max = 50_000): KeyValueStore {
  const cache = new LRUCache<string, string>({ max, ttlAutopurge: false });
  return {
    async get(key) {
      return cache.get(key);
    },
    async set(key, value, ttlMs) {
      cache.set(key, value, { ttl: Math.max(1, ttlMs) });
    },
    async setIfAbsent(key, value, ttlMs) {
      if (cache.has(key)) return false;
      cache.set(key, value, { ttl: Math.max(1, ttlMs) });
      return true;
    },
    async delete(key) {
      cache.delete(key);
    },
  };
}
