import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { tooManyRequests } from './errors.js';

export interface RateLimitOptions {
  /** Mutations one session or API token may make per minute. @defaultValue 120 */
  mutationsPerMinute: number;
  /** Failed sign-ins allowed per account and per IP within the window; the next attempt gets 429. @defaultValue 10 */
  loginFailures: number;
  /** @defaultValue 900 (15 minutes) */
  loginWindowSec: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = { mutationsPerMinute: 120, loginFailures: 10, loginWindowSec: 15 * 60 };

export interface AdminLimiters {
  options: RateLimitOptions;
  /** Keyed by session or token id. */
  mutations: RateLimiterAbstract;
  /** Failed sign-ins, keyed by account (a hash of the e-mail address) and by client IP. */
  loginAccount: RateLimiterAbstract;
  loginIp: RateLimiterAbstract;
}

/**
 * Counters shared by every web process when Redis is configured (each falls back to its own memory while Redis is
 * unreachable), in process memory otherwise.
 */
export function createLimiters(options: RateLimitOptions, redis?: Redis, prefix = 'switchboard'): AdminLimiters {
  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    if (!redis) return memory;
    return new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:${keyPrefix}`, points, duration, insuranceLimiter: memory, rejectIfRedisNotReady: true });
  };
  return {
    options,
    mutations: make('admin-mutations', options.mutationsPerMinute, 60),
    loginAccount: make('admin-login-account', options.loginFailures, options.loginWindowSec),
    loginIp: make('admin-login-ip', options.loginFailures, options.loginWindowSec),
  };
}

/** Takes one point; 429 with Retry-After when the key has none left. */
export async function consumeOrReject(limiter: RateLimiterAbstract, key: string, message?: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw tooManyRequests(err.msBeforeNext, message);
    throw err;
  }
}

/** Takes one point without ever rejecting (counting failures that already happened). */
export async function consumeQuietly(limiter: RateLimiterAbstract, key: string): Promise<void> {
  await limiter.consume(key).catch((err: unknown) => {
    if (!(err instanceof RateLimiterRes)) throw err;
  });
}

/** The time until the key may try again when every point is used, else 0. */
export async function blockedForMs(limiter: RateLimiterAbstract, key: string): Promise<number> {
  const res = await limiter.get(key);
  return res && res.consumedPoints >= limiter.points ? Math.max(1, res.msBeforeNext) : 0;
}
