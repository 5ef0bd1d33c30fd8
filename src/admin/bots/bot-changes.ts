import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../../observability/logger.js';
import type { BotCache } from '../../pipeline/bot-cache.js';
import { logRedisConnectionState } from '../../store/redis-connection-log.js';

/**
 * Makes a saved bot change take effect in every web process: its bot cache entry goes, and the process's connection
 * supervisor (src/server/connections.ts) reconciles the long-lived platform connections (Slack Socket Mode, DingTalk
 * Stream) at once instead of at its next pass. With Redis the change is published to the other web processes;
 * without it there is only this one.
 */
export interface BotChanges {
  /** Applies the change here (resolves when done) and tells the other processes. */
  announce(botId: string): Promise<void>;
  close(): Promise<void>;
}

export interface BotChangeDeps {
  bots: Pick<BotCache, 'invalidate'>;
  /** Starts, stops or restarts the connections to match the stored bots (resolves when done). */
  reconcileConnections: () => Promise<void>;
  logger: Logger;
}

/** The change, applied in this process. Connection failures are logged, never thrown: the save itself succeeded. */
export async function applyBotChange(deps: BotChangeDeps, botId: string): Promise<void> {
  deps.bots.invalidate(botId);
  await deps.reconcileConnections().catch((err: unknown) => deps.logger.error({ err, botId }, 'bot connections could not be reconciled after a change'));
}

export async function createBotChanges(deps: BotChangeDeps, redis?: { url: string; channel: string }): Promise<BotChanges> {
  if (!redis) return { announce: (botId) => applyBotChange(deps, botId), close: async () => undefined };
  const self = randomUUID();
  const publisher = new Redis(redis.url, { maxRetriesPerRequest: 2 });
  const subscriber = new Redis(redis.url, { maxRetriesPerRequest: null });
  logRedisConnectionState(publisher, deps.logger, 'bot-changes');
  logRedisConnectionState(subscriber, deps.logger, 'bot-changes-subscriber');
  subscriber.on('message', (_channel: string, message: string) => {
    const [from, botId] = message.split(' ');
    if (from !== self && botId) void applyBotChange(deps, botId);
  });
  await subscriber.subscribe(redis.channel);
  return {
    async announce(botId) {
      await applyBotChange(deps, botId);
      // Others still see the change within their cache's lifetime if this message is lost.
      await publisher.publish(redis.channel, `${self} ${botId}`).catch((err: unknown) => deps.logger.warn({ err, botId }, 'bot change not published'));
    },
    async close() {
      await Promise.all([subscriber.quit().catch(() => subscriber.disconnect()), publisher.quit().catch(() => publisher.disconnect())]);
    },
  };
}
