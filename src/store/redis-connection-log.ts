import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';

/**
 * Logs a Redis connection's health once per change of state — "unavailable" when it first fails, "available again"
 * when it is back — instead of one line per reconnect attempt. Listening to `error` also keeps ioredis from printing
 * its plain-text "[ioredis] Unhandled error event" lines into the JSON log.
 */
export function logRedisConnectionState(redis: Redis, logger: Logger, name: string): void {
  let down = false;
  let failures = 0;
  redis.on('error', (err: Error) => {
    failures++;
    if (down) return;
    down = true;
    logger.warn({ connection: name, err: { message: err.message, code: (err as NodeJS.ErrnoException).code } }, 'redis unavailable; retrying in the background');
  });
  redis.on('ready', () => {
    if (!down) return;
    logger.info({ connection: name, failedAttempts: failures }, 'redis available again');
    down = false;
    failures = 0;
  });
}
