import type { KeyValueStore } from '../../store/kv.js';

/**
 * Threads the bot takes part in, so a plain reply in such a thread (no @mention) reaches the bot.
 * Recorded when the bot accepts a channel message it will answer in a thread, and when it posts into a thread;
 * kept in the shared KeyValueStore (lru in-process, Redis when scaled) for `ttlMs`.
 * Replies whose `parent_user_id` is the bot itself are recognised without a lookup.
 */
export const THREAD_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export interface ThreadRegistry {
  remember(botId: string, channel: string, threadTs: string): Promise<void>;
  has(botId: string, channel: string, threadTs: string): Promise<boolean>;
}

export function threadKey(botId: string, channel: string, threadTs: string): string {
  return `slack:thread:${botId}:${channel}:${threadTs}`;
}

export function createThreadRegistry(kv: KeyValueStore, ttlMs: number = THREAD_TTL_MS): ThreadRegistry {
  return {
    async remember(botId, channel, threadTs) {
      await kv.set(threadKey(botId, channel, threadTs), '1', ttlMs);
    },
    async has(botId, channel, threadTs) {
      return (await kv.get(threadKey(botId, channel, threadTs))) !== undefined;
    },
  };
}
