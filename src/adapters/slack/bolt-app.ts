import { createHash } from 'node:crypto';
import { App, type AppOptions } from '@slack/bolt';
import type { Logger } from '../../observability/logger.js';
import type { KeyValueStore } from '../../store/kv.js';
import type { BotRuntime } from '../types.js';
import { boltLogger } from './bolt-logger.js';
import { parseSlackBotConfig, type SlackBotConfig } from './config.js';
import { registerSlackListeners, type ListenerContext } from './listeners.js';
import { SwitchboardReceiver } from './receiver.js';
import type { ThreadRegistry } from './threads.js';
import { slackClientOptions, type SlackApi } from './web-api.js';

/**
 * One Bolt App per Slack bot, created on first use, cached, rebuilt when the bot's mode, credentials or settings
 * change, dropped on `dispose`. Each App is fed by a SwitchboardReceiver, has no conversation store, does not
 * ignore-self in Bolt (normalize does it with a reason) and is given token + botId + botUserId so Bolt never calls
 * auth.test itself. Ids missing from the credentials are resolved once with auth.test and cached in the KV store.
 */
export interface SlackIdentity {
  botUserId?: string;
  botId?: string;
  teamId?: string;
}

export interface SlackBoltBot {
  readonly botId: string;
  readonly app: App;
  readonly receiver: SwitchboardReceiver;
  readonly config: SlackBotConfig;
  readonly identity: SlackIdentity;
  /** What the listeners normalize with; the adapter uses it for message callbacks without going through Bolt. */
  readonly listenerContext: ListenerContext;
}

export interface SlackBoltAppsDeps {
  logger: Logger;
  kv: KeyValueStore;
  threads: ThreadRegistry;
  /** The Web API client of a bot (shared with its sender). */
  apiFor(bot: BotRuntime, config: SlackBotConfig): SlackApi;
  slackApiUrlFor(config: SlackBotConfig): string;
  now?: () => number;
}

const IDENTITY_TTL_MS = 24 * 60 * 60 * 1000;
/** An App built without a resolved identity is rebuilt after this long, to try auth.test again. */
const INCOMPLETE_IDENTITY_RETRY_MS = 5 * 60 * 1000;

interface Entry {
  fingerprint: string;
  promise: Promise<SlackBoltBot>;
  expiresAt: number;
}

const fingerprints = new WeakMap<BotRuntime, string>();

/** A hash of everything that shapes a bot's App; secrets only enter the hash. */
export function botFingerprint(bot: BotRuntime): string {
  let fp = fingerprints.get(bot);
  if (fp === undefined) {
    fp = createHash('sha256')
      .update(JSON.stringify([bot.id, bot.tenantId, bot.mode, bot.credentials, bot.settings]))
      .digest('base64url');
    fingerprints.set(bot, fp);
  }
  return fp;
}

export class SlackBoltApps {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly deps: SlackBoltAppsDeps) {
    this.now = deps.now ?? Date.now;
  }

  get(bot: BotRuntime): Promise<SlackBoltBot> {
    const fingerprint = botFingerprint(bot);
    const entry = this.entries.get(bot.id);
    if (entry && entry.fingerprint === fingerprint && entry.expiresAt > this.now()) return entry.promise;
    const created: Entry = { fingerprint, promise: this.create(bot), expiresAt: Number.POSITIVE_INFINITY };
    this.entries.set(bot.id, created);
    created.promise.then(
      (b) => {
        if (!b.identity.botUserId || !b.identity.botId) created.expiresAt = this.now() + INCOMPLETE_IDENTITY_RETRY_MS;
      },
      () => {
        if (this.entries.get(bot.id) === created) this.entries.delete(bot.id);
      },
    );
    return created.promise;
  }

  dispose(botId: string): void {
    this.entries.delete(botId);
  }

  disposeAll(): void {
    this.entries.clear();
  }

  private async create(bot: BotRuntime): Promise<SlackBoltBot> {
    const config = parseSlackBotConfig(bot);
    const logger = this.deps.logger.child({ component: 'slack-bolt', botId: bot.id });
    const identity = await this.resolveIdentity(bot, config, logger);
    const receiver = new SwitchboardReceiver();
    const token = config.credentials.botToken;
    const auth: Partial<AppOptions> =
      identity.botId && identity.botUserId
        ? { token, botId: identity.botId, botUserId: identity.botUserId }
        : // Without both ids Bolt would call auth.test on every event: hand it what we have instead.
          { authorize: async () => ({ botToken: token, botId: identity.botId, botUserId: identity.botUserId, teamId: identity.teamId }) };
    const app = new App({
      ...auth,
      receiver,
      convoStore: false,
      ignoreSelf: false,
      logger: boltLogger(logger),
      clientOptions: slackClientOptions({ slackApiUrl: this.deps.slackApiUrlFor(config), logger }),
    });
    app.error(async (err) => {
      throw err;
    });
    const listenerContext: ListenerContext = { bot: { id: bot.id, tenantId: bot.tenantId }, config, identity, threads: this.deps.threads, logger };
    registerSlackListeners(app, listenerContext);
    return { botId: bot.id, app, receiver, config, identity, listenerContext };
  }

  private async resolveIdentity(bot: BotRuntime, config: SlackBotConfig, logger: Logger): Promise<SlackIdentity> {
    const { botUserId, botId, teamId } = config.credentials;
    if (botUserId && botId) return { botUserId, botId, teamId };
    const key = `slack:identity:${createHash('sha256').update(config.credentials.botToken).digest('base64url').slice(0, 32)}`;
    try {
      const cached = await this.deps.kv.get(key);
      if (cached) return { ...(JSON.parse(cached) as SlackIdentity), ...(botUserId ? { botUserId } : {}), ...(botId ? { botId } : {}) };
      const res = await this.deps.apiFor(bot, config).call<{ ok: boolean; user_id?: string; bot_id?: string; team_id?: string }>('auth.test');
      const identity: SlackIdentity = {
        botUserId: botUserId ?? res.user_id,
        botId: botId ?? res.bot_id,
        teamId: teamId ?? res.team_id,
      };
      await this.deps.kv.set(key, JSON.stringify(identity), IDENTITY_TTL_MS);
      return identity;
    } catch (err) {
      logger.warn({ err }, 'Could not resolve the Slack bot identity with auth.test; continuing with the ids Slack sends per event');
      return { botUserId, botId, teamId };
    }
  }
}
