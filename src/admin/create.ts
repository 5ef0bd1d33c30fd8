import { Redis } from 'ioredis';
import type { AdapterRegistry } from '../adapters/registry.js';
import type { Logger } from '../observability/logger.js';
import type { Queue } from '../queue/types.js';
import type { BotCache } from '../pipeline/bot-cache.js';
import type { KeyValueStore } from '../store/kv.js';
import { logRedisConnectionState } from '../store/redis-connection-log.js';
import type { Repositories } from '../store/repositories/index.js';
import { prepareDummyHash } from './auth/passwords.js';
import { announceSetupToken } from './auth/setup-token.js';
import { createBotChanges } from './bots/bot-changes.js';
import { DEFAULT_SESSION_POLICY, type AdminDeps, type SessionPolicy } from './deps.js';
import { createLimiters, DEFAULT_RATE_LIMITS, type RateLimitOptions } from './http/rate-limit.js';

export interface AdminOptions {
  repos: Repositories;
  adapters: AdapterRegistry;
  bots: BotCache;
  /** Brings the long-lived platform connections in line with the stored bots (the web role's supervisor). */
  reconcileConnections: () => Promise<void>;
  kv: KeyValueStore;
  /** Replayed messages are enqueued here. */
  queue: Pick<Queue, 'enqueue'>;
  logger: Logger;
  publicBaseUrl?: string;
  /** Rate-limit counters are shared through Redis when it is configured. */
  redisUrl?: string;
  /** Prefix of the Redis keys of this deployment. */
  keyPrefix?: string;
  rateLimits?: Partial<RateLimitOptions>;
  sessions?: Partial<SessionPolicy>;
  now?: () => Date;
}

/** The admin API's dependencies for one web process; `close` releases its Redis connections. */
export async function createAdminDeps(opts: AdminOptions): Promise<{ deps: AdminDeps; close(): Promise<void> }> {
  const redis = opts.redisUrl ? new Redis(opts.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false }) : undefined;
  if (redis) logRedisConnectionState(redis, opts.logger, 'admin-rate-limits');
  const botChanges = await createBotChanges(
    { bots: opts.bots, reconcileConnections: opts.reconcileConnections, logger: opts.logger },
    opts.redisUrl ? { url: opts.redisUrl, channel: `${opts.keyPrefix ?? 'switchboard'}:bot-changes` } : undefined,
  );
  const deps: AdminDeps = {
    repos: opts.repos,
    adapters: opts.adapters,
    botChanges,
    kv: opts.kv,
    queue: opts.queue,
    logger: opts.logger,
    publicBaseUrl: opts.publicBaseUrl,
    limiters: createLimiters({ ...DEFAULT_RATE_LIMITS, ...opts.rateLimits }, redis, opts.keyPrefix),
    sessions: { ...DEFAULT_SESSION_POLICY, ...opts.sessions },
    now: opts.now ?? (() => new Date()),
  };
  await prepareDummyHash();
  await announceSetupToken(deps);
  return {
    deps,
    async close() {
      await botChanges.close();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
