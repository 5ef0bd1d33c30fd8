import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import type { KeyValueStore } from './kv.js';
import { logRedisConnectionState } from './redis-connection-log.js';

/** KeyValueStore on Redis, shared by every web and worker process. Keys are prefixed per deployment. */
export function createRedisKeyValueStore(url: string, prefix: string, logger: Logger): KeyValueStore {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
  logRedisConnectionState(redis, logger, 'kv');
  return {
    async get(key) {
      return (await redis.get(prefix + key)) ?? undefined;
    },
    async set(key, value, ttlMs) {
      await redis.set(prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
    },
    async setIfAbsent(key, value, ttlMs) {
      return (await redis.set(prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK';
    },
    async delete(key) {
      await redis.del(prefix + key);
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
