import { SocketModeClient, type SocketModeOptions } from '@slack/socket-mode';
import type { Logger } from '../../observability/logger.js';
import type { BotRuntime, Inbox } from '../types.js';
import type { SlackBoltApps } from './bolt-app.js';
import { boltLogger } from './bolt-logger.js';
import { botFingerprint } from './bolt-app.js';
import { parseSlackBotConfig } from './config.js';
import { isRecord } from './decode.js';
import { translateSlackError } from './web-api.js';

/**
 * Socket Mode: one @slack/socket-mode client per bot (apps.connections.open with the xapp- token, then a
 * WebSocket). Each envelope goes through the bot's Bolt App and the same listeners as HTTP; messages are accepted
 * into the inbox first and the envelope is acked only after that, so a crash before the ack means a redelivery,
 * never a loss. A failed accept leaves the envelope unacked (Slack redelivers, the inbox dedupes).
 */
export type SocketModeClientOptions = Partial<Omit<SocketModeOptions, 'appToken' | 'logger'>>;

export interface SlackSocketDeps {
  logger: Logger;
  apps: SlackBoltApps;
  slackApiUrlFor(bot: BotRuntime): string;
  clientOptions?: SocketModeClientOptions;
}

interface SlackSocketEvent {
  ack: (response?: Record<string, unknown>) => Promise<void>;
  envelope_id?: string;
  type?: string;
  body?: unknown;
  retry_num?: number;
  retry_reason?: string;
}

const DISPATCHED_TYPES = new Set(['events_api', 'slash_commands', 'interactive']);

export class SlackSocketConnections {
  private readonly conns = new Map<string, { fingerprint: string; client: SocketModeClient; bot: BotRuntime }>();

  constructor(private readonly deps: SlackSocketDeps) {}

  has(botId: string): boolean {
    return this.conns.has(botId);
  }

  async start(bot: BotRuntime, inbox: Inbox): Promise<void> {
    const fingerprint = botFingerprint(bot);
    const existing = this.conns.get(bot.id);
    if (existing?.fingerprint === fingerprint) return;
    if (existing) await this.stop(bot.id);

    const config = parseSlackBotConfig(bot);
    const appToken = config.credentials.appToken;
    if (!appToken) throw new Error(`Slack bot ${bot.id}: Socket Mode needs an app-level token`);
    const logger = this.deps.logger.child({ component: 'slack-socket', botId: bot.id });
    const extra = this.deps.clientOptions ?? {};
    const client = new SocketModeClient({
      autoReconnectEnabled: true,
      ...extra,
      appToken,
      logger: boltLogger(logger),
      clientOptions: { ...extra.clientOptions, slackApiUrl: this.deps.slackApiUrlFor(bot) },
    });
    client.on('slack_event', (event: SlackSocketEvent) => {
      void this.handle(bot, inbox, event, logger);
    });
    this.conns.set(bot.id, { fingerprint, client, bot });
    try {
      await client.start();
      logger.info('Slack Socket Mode connected');
    } catch (err) {
      this.conns.delete(bot.id);
      await client.disconnect().catch(() => undefined);
      throw translateSlackError(err, 'apps.connections.open');
    }
  }

  async stop(botId: string): Promise<void> {
    const conn = this.conns.get(botId);
    if (!conn) return;
    this.conns.delete(botId);
    await conn.client.disconnect().catch((err: unknown) => this.deps.logger.warn({ err, botId }, 'Socket Mode disconnect failed'));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.conns.keys()].map((id) => this.stop(id)));
  }

  private async handle(bot: BotRuntime, inbox: Inbox, event: SlackSocketEvent, logger: Logger): Promise<void> {
    try {
      if (!event.type || !DISPATCHED_TYPES.has(event.type) || !isRecord(event.body)) {
        await event.ack();
        return;
      }
      const bolt = await this.deps.apps.get(bot);
      const outcome = await bolt.receiver.dispatch(event.body, {
        retryNum: event.retry_num,
        retryReason: event.retry_reason,
        receivedAt: Date.now(),
      });
      if (outcome.messages.length > 0) await inbox.accept(outcome.messages);
      await event.ack(outcome.ackPayload);
    } catch (err) {
      logger.error({ err, envelopeType: event.type }, 'Slack Socket Mode envelope failed; left unacked so Slack redelivers it');
    }
  }
}
