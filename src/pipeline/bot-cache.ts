import { LRUCache } from 'lru-cache';
import type { BotRuntime } from '../adapters/types.js';
import type { BotStore } from './ports.js';

/**
 * Bots are read on every callback: cache them briefly in process. A miss (unknown id) is cached too, so a flood of
 * requests to made-up bot ids does not reach the database. Changes made elsewhere show within `ttlMs`;
 * changes made by this process call `invalidate`.
 */
export function createBotCache(bots: BotStore, opts: { ttlMs?: number; max?: number } = {}) {
  const cache = new LRUCache<string, { bot: BotRuntime | null }>({ max: opts.max ?? 10_000, ttl: opts.ttlMs ?? 10_000 });
  const inflight = new Map<string, Promise<BotRuntime | null>>();
  return {
    async get(id: string): Promise<BotRuntime | null> {
      const hit = cache.get(id);
      if (hit) return hit.bot;
      let pending = inflight.get(id);
      if (!pending) {
        pending = bots.getRuntime(id).finally(() => inflight.delete(id));
        inflight.set(id, pending);
        const bot = await pending;
        cache.set(id, { bot });
        return bot;
      }
      return pending;
    },
    invalidate(id?: string) {
      if (id) cache.delete(id);
      else cache.clear();
    },
  };
}

export type BotCache = ReturnType<typeof createBotCache>;
