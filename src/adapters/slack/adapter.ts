import { createHash } from 'node:crypto';
import { BadRequestError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import type { KeyValueStore } from '../../store/kv.js';
import type { RetryPolicy } from '../../core/retry.js';
import type {
  AdapterRuntimeContext,
  Attachment,
  BotRuntime,
  CheckReport,
  FilePayload,
  InboundRequest,
  IngressResult,
  PlatformAdapter,
  ReplySender,
} from '../types.js';
import { SlackBoltApps } from './bolt-app.js';
import { checkSlackBot } from './check.js';
import { parseSlackBotConfig, SLACK_MODES, slackCredentialsSchema, slackSettingsSchema, type SlackBotConfig } from './config.js';
import { decodeSlackBody } from './decode.js';
import { downloadSlackFile, slackFileHosts } from './files.js';
import { handleMessageEvent, isMessageCallback } from './listeners.js';
import type { RenderLimits } from './render.js';
import { createSlackSender } from './sender.js';
import { SlackSocketConnections, type SocketModeClientOptions } from './socket-mode.js';
import type { SlackMessageEvent } from './slack-types.js';
import { createThreadRegistry } from './threads.js';
import { verifySlackRequest } from './verify.js';
import { createSlackApi, normalizeApiUrl, type SlackApi } from './web-api.js';

/** Slack's answer to an event callback: an empty 200 within 3 s. */
const EVENT_ACK = { status: 200, body: '' } as const;

export interface SlackAdapterConfig {
  logger: Logger;
  kv: KeyValueStore;
  /** Web API base URL for every bot without its own `settings.slackApiUrl`. @defaultValue https://slack.com/api/ */
  slackApiUrl?: string;
  /** Now, in ms; used by streaming throttles and caches. Verification uses the request's `receivedAt`. */
  clock?: () => number;
  /** Extra options for the Socket Mode clients (ping timeouts, reconnect, clientOptions.retryConfig). */
  socketModeClientOptions?: SocketModeClientOptions;
  /** Public base URL of this Switchboard, for the Request URL shown by checkConnection. */
  publicBaseUrl?: string;
  /** Test/tuning knobs; production uses the defaults. */
  tuning?: {
    minUpdateIntervalMs?: number;
    nativeMaxChars?: number;
    renderLimits?: Partial<RenderLimits>;
    retry?: Partial<RetryPolicy>;
    /** Fetching one workflow file before uploading it; past it the file is linked. @defaultValue 60000 */
    replyFileTimeoutMs?: number;
  };
}

export interface SlackAdapter extends PlatformAdapter {
  readonly platform: 'slack';
  /** The Web API client of a bot (cached; rebuilt when its token or API URL changes). */
  api(bot: BotRuntime): SlackApi;
}

/**
 * The Slack adapter: Events API / interactivity / slash commands on one URL (`/hooks/slack/:botId`), or Socket
 * Mode; Bolt listeners normalise; replies as Block Kit with streaming; files both ways; connection check.
 */
export function createSlackAdapter(deps: SlackAdapterConfig): SlackAdapter {
  const logger = deps.logger.child({ adapter: 'slack' });
  const threads = createThreadRegistry(deps.kv);
  const apis = new Map<string, { key: string; api: SlackApi }>();

  const apiUrlOf = (config: SlackBotConfig): string => normalizeApiUrl(config.settings.slackApiUrl ?? deps.slackApiUrl);
  const apiFor = (bot: BotRuntime, config: SlackBotConfig): SlackApi => {
    const url = apiUrlOf(config);
    const key = createHash('sha256').update(`${config.credentials.botToken}\n${url}`).digest('base64url');
    const cached = apis.get(bot.id);
    if (cached?.key === key) return cached.api;
    const api = createSlackApi({ token: config.credentials.botToken, slackApiUrl: url, logger: logger.child({ botId: bot.id }), retry: deps.tuning?.retry });
    apis.set(bot.id, { key, api });
    return api;
  };

  const apps = new SlackBoltApps({ logger, kv: deps.kv, threads, apiFor, slackApiUrlFor: apiUrlOf, now: deps.clock });
  const sockets = new SlackSocketConnections({
    logger,
    apps,
    slackApiUrlFor: (bot) => apiUrlOf(parseSlackBotConfig(bot)),
    clientOptions: deps.socketModeClientOptions,
  });

  const adapter: SlackAdapter = {
    platform: 'slack',
    modes: SLACK_MODES,
    credentialsSchema: slackCredentialsSchema,
    settingsSchema: () => slackSettingsSchema,

    async ingest(req: InboundRequest, bot: BotRuntime): Promise<IngressResult> {
      verifySlackRequest({ signingSecret: bot.credentials.signingSecret, headers: req.headers, rawBody: req.rawBody, nowMs: req.receivedAt });
      if (req.method.toUpperCase() !== 'POST') throw new BadRequestError('slack_method_not_allowed', 'Slack callbacks are POST', { status: 405 });
      const contentType = req.headers['content-type'];
      if (Array.isArray(contentType)) throw new BadRequestError('slack_bad_content_type', 'Repeated content-type');
      const inbound = decodeSlackBody(req.rawBody, contentType);
      if (inbound.kind === 'url_verification') {
        return { kind: 'answer', status: 200, body: { challenge: inbound.challenge }, contentType: 'application/json; charset=utf-8' };
      }
      if (inbound.kind === 'ssl_check') return { kind: 'answer', status: 200, body: '' };

      const bolt = await apps.get(bot);
      if (inbound.kind === 'event' && isMessageCallback(inbound.body)) {
        // The hot path: message events are normalized by the same handler Bolt's listener runs, without Bolt's
        // per-event middleware chain (the largest cost of ingress). Events are acked with an empty 200 either way.
        const body = inbound.body;
        const outcome = await handleMessageEvent(bolt.listenerContext, body, body.event as unknown as SlackMessageEvent, new Date(req.receivedAt).toISOString());
        return outcome.kind === 'message'
          ? { kind: 'messages', messages: [outcome.message], ack: EVENT_ACK }
          : { kind: 'ignored', ack: EVENT_ACK, reason: outcome.reason };
      }
      const outcome = await bolt.receiver.dispatch(inbound.body, {
        retryNum: retryNumOf(req.headers['x-slack-retry-num']),
        retryReason: single(req.headers['x-slack-retry-reason']),
        receivedAt: req.receivedAt,
      });
      if (outcome.messages.length > 0) return { kind: 'messages', messages: outcome.messages, ack: outcome.ack };
      return { kind: 'ignored', ack: outcome.ack, reason: outcome.reason };
    },

    sender(bot: BotRuntime): ReplySender {
      const config = parseSlackBotConfig(bot);
      return createSlackSender({
        botId: bot.id,
        config,
        api: apiFor(bot, config),
        kv: deps.kv,
        threads,
        logger: logger.child({ botId: bot.id }),
        stream: { minUpdateIntervalMs: deps.tuning?.minUpdateIntervalMs, nativeMaxChars: deps.tuning?.nativeMaxChars },
        renderLimits: deps.tuning?.renderLimits,
        replyFileTimeoutMs: deps.tuning?.replyFileTimeoutMs,
      });
    },

    async downloadAttachment(bot: BotRuntime, attachment: Attachment): Promise<FilePayload> {
      const config = parseSlackBotConfig(bot);
      const file = await downloadSlackFile({
        url: attachment.ref,
        token: config.credentials.botToken,
        maxBytes: config.settings.maxFileBytes,
        allowedHosts: slackFileHosts(apiUrlOf(config)),
      });
      return { name: attachment.name ?? file.name, mime: attachment.mime ?? file.mime, data: file.data };
    },

    async checkConnection(bot: BotRuntime): Promise<CheckReport> {
      const config = parseSlackBotConfig(bot);
      const appToken = config.credentials.appToken;
      return checkSlackBot({
        bot,
        config,
        api: apiFor(bot, config),
        appApi: appToken ? createSlackApi({ token: appToken, slackApiUrl: apiUrlOf(config), logger, retry: { attempts: 1 } }) : undefined,
        publicBaseUrl: deps.publicBaseUrl,
      });
    },

    async start(bot: BotRuntime, ctx: AdapterRuntimeContext): Promise<void> {
      if (bot.mode !== 'socket') return;
      if (!bot.enabled) return adapter.stop?.(bot.id);
      await sockets.start(bot, ctx.inbox);
    },

    async stop(botId: string): Promise<void> {
      await sockets.stop(botId);
      apps.dispose(botId);
      apis.delete(botId);
    },

    async close(): Promise<void> {
      await sockets.stopAll();
      apps.disposeAll();
      apis.clear();
    },

    api(bot: BotRuntime): SlackApi {
      return apiFor(bot, parseSlackBotConfig(bot));
    },
  };
  return adapter;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function retryNumOf(value: string | string[] | undefined): number | undefined {
  const v = single(value);
  if (v === undefined || !/^\d{1,4}$/.test(v)) return undefined;
  return Number(v);
}
