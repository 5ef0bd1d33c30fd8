/**
 * The DingTalk adapter: robot HTTP callbacks (`robot_http`, signed JSON), encrypted event callbacks (`event_http`,
 * plus robot callbacks on the same URL) and Stream mode (`stream`, a WebSocket per bot, no public URL). `ingest`
 * runs verify → decode → normalize (pure modules) with no I/O; sending, downloads and checks use the API client.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { z } from 'zod';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { KeyValueStore } from '../../store/kv.js';
import type { RetryPolicy } from '../../core/retry.js';
import { AccessTokenCache } from '../token-cache.js';
import type {
  AdapterRuntimeContext,
  Attachment,
  BotRuntime,
  BotSettings,
  CheckReport,
  FilePayload,
  InboundRequest,
  IngressResult,
  PlatformAdapter,
  ReplySender,
} from '../types.js';
import { DingtalkApiClient } from './api-client.js';
import { checkDingtalkBot } from './check.js';
import {
  credentialsSchemaFor,
  DEFAULT_DINGTALK_API_BASE,
  DEFAULT_DINGTALK_LEGACY_API_BASE,
  DINGTALK_MODES,
  dingtalkSettingsSchema,
  robotCodeOf,
  type DingtalkSettings,
} from './config.js';
import { decryptEvent, parseJsonObject } from './decode.js';
import { DingtalkApiError, DingtalkDecodeError } from './errors.js';
import { classifyEvent, decodeAttachmentRef, normalizeRobotMessage, type RobotCallback } from './normalize.js';
import { createDingtalkSender } from './sender.js';
import type { CardStreamTuning } from './stream.js';
import { DingtalkStreamClient, type StreamClientOptions, type StreamConnectionState } from './stream-mode.js';
import { eventCryptoFor, readEventQuery, verifyEventSignature, verifyRobotSign } from './verify.js';

export interface DingtalkAdapterConfig {
  logger: Logger;
  kv: KeyValueStore;
  /** Where access tokens are cached; main seals it when it is shared (Redis). @defaultValue kv */
  tokenKv?: KeyValueStore;
  /** @defaultValue https://api.dingtalk.com (a bot's `settings.apiBaseUrl` wins) */
  apiBaseUrl?: string;
  /** @defaultValue https://oapi.dingtalk.com (a bot's `settings.legacyApiBaseUrl` wins) */
  legacyApiBaseUrl?: string;
  /** Public base URL of this server, for the callback URL in the setup facts. */
  publicBaseUrl?: string;
  metrics?: Metrics;
  clock?: () => number;
  /** Overrides of the shared retry policy for in-call retries (tests shrink the delays). */
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** @defaultValue 10000 */
  timeoutMs?: number;
  /** Stream mode knobs (tests shrink them). */
  stream?: Pick<StreamClientOptions, 'initialBackoffMs' | 'maxBackoffMs' | 'stableAfterMs' | 'handshakeTimeoutMs'> & { zombieTimeoutMs?: number };
  card?: CardStreamTuning;
  /** Fetching one workflow file before uploading it; past it the file is linked. @defaultValue 60000 */
  replyFileTimeoutMs?: number;
}

export interface DingtalkAdapter extends PlatformAdapter {
  readonly platform: 'dingtalk';
  downloadAttachment(bot: BotRuntime, attachment: Attachment): Promise<FilePayload>;
  apiClient(bot: BotRuntime): DingtalkApiClient;
  /** Stream connections of this process, for /readyz. */
  connectionStates(): StreamConnectionState[];
}

/** DingTalk only needs a 200 for a robot callback; the answer goes out through the API. */
const ROBOT_ACK = { status: 200, body: {}, contentType: 'application/json; charset=utf-8' } as const;

function fingerprintOf(bot: BotRuntime): string {
  return createHash('sha256').update(JSON.stringify([bot.id, bot.mode, bot.credentials, bot.settings])).digest('base64url');
}

export function createDingtalkAdapter(config: DingtalkAdapterConfig): DingtalkAdapter {
  const clock = config.clock ?? Date.now;
  const logger = config.logger.child({ platform: 'dingtalk' });
  const tokens = new AccessTokenCache({ kv: config.tokenKv ?? config.kv, logger, clock });
  const clients = new LRUCache<string, DingtalkApiClient>({ max: 1000 });
  const settingsCache = new WeakMap<object, DingtalkSettings>();
  const streams = new Map<string, { fingerprint: string; client: DingtalkStreamClient }>();

  function settingsOf(bot: BotRuntime): DingtalkSettings {
    const raw = bot.settings ?? {};
    const hit = settingsCache.get(raw);
    if (hit) return hit;
    const parsed = dingtalkSettingsSchema.parse(raw);
    settingsCache.set(raw, parsed);
    return parsed;
  }

  const apiBaseOf = (bot: BotRuntime) => settingsOf(bot).apiBaseUrl ?? config.apiBaseUrl ?? DEFAULT_DINGTALK_API_BASE;
  const gatewayOf = (bot: BotRuntime) => settingsOf(bot).streamGatewayUrl ?? apiBaseOf(bot);

  function apiClient(bot: BotRuntime): DingtalkApiClient {
    const { clientId, clientSecret } = bot.credentials;
    if (!clientId || !clientSecret) {
      throw new DingtalkApiError('missing_credentials', 'This DingTalk bot has no Client ID / Client Secret, so it cannot call the DingTalk API.', {
        api: '/v1.0/oauth2/accessToken',
        category: 'configuration',
        retryable: false,
      });
    }
    const baseUrl = apiBaseOf(bot);
    const legacyBaseUrl = settingsOf(bot).legacyApiBaseUrl ?? config.legacyApiBaseUrl ?? DEFAULT_DINGTALK_LEGACY_API_BASE;
    const key = createHash('sha256').update(`${baseUrl}\u0000${legacyBaseUrl}\u0000${clientId}\u0000${clientSecret}`).digest('hex');
    let client = clients.get(key);
    if (!client) {
      client = new DingtalkApiClient({ baseUrl, legacyBaseUrl, clientId, clientSecret, tokens, logger, retry: config.retry, sleep: config.sleep, timeoutMs: config.timeoutMs });
      clients.set(key, client);
    }
    return client;
  }

  function normalizeFor(bot: BotRuntime, settings: DingtalkSettings) {
    return (msg: Record<string, unknown>, receivedAt: number): RobotCallback =>
      normalizeRobotMessage(msg, {
        botId: bot.id,
        tenantId: bot.tenantId,
        receivedAt,
        groupPolicy: settings.groupPolicy,
        mentionNames: settings.mentionNames,
        robotCode: robotCodeOf(bot),
      });
  }

  function robotResult(bot: BotRuntime, settings: DingtalkSettings, msg: Record<string, unknown>, receivedAt: number): IngressResult {
    const configured = bot.credentials.robotCode;
    if (configured && typeof msg.robotCode === 'string' && msg.robotCode && msg.robotCode !== configured) {
      throw new DingtalkDecodeError('robot_mismatch', 'The callback is addressed to another robot');
    }
    const result = normalizeFor(bot, settings)(msg, receivedAt);
    return result.kind === 'message'
      ? { kind: 'messages', messages: [result.message], ack: { ...ROBOT_ACK } }
      : { kind: 'ignored', ack: { ...ROBOT_ACK }, reason: result.reason };
  }

  function ingestRobot(req: InboundRequest, bot: BotRuntime, settings: DingtalkSettings, parsed?: Record<string, unknown>): IngressResult {
    verifyRobotSign({ headers: req.headers, appSecret: bot.credentials.clientSecret ?? '', nowMs: req.receivedAt, toleranceSec: settings.timestampToleranceSec });
    return robotResult(bot, settings, parsed ?? parseJsonObject(req.rawBody, 'Robot callback body'), req.receivedAt);
  }

  function ingestEvent(req: InboundRequest, bot: BotRuntime, settings: DingtalkSettings): IngressResult {
    const body = parseJsonObject(req.rawBody, 'Callback body');
    // Robot messages may come to the same URL (robot HTTP mode): they are signed by header, not encrypted.
    if (typeof body.encrypt !== 'string') return ingestRobot(req, bot, settings, body);
    if (body.encrypt.length === 0 || body.encrypt.length > 1_500_000) throw new DingtalkDecodeError('bad_encrypt', 'encrypt field is empty or too long');
    const crypto = eventCryptoFor({
      token: bot.credentials.token,
      encodingAesKey: bot.credentials.encodingAesKey,
      ownerKey: settings.eventOwnerKey ?? bot.credentials.clientId ?? '',
    });
    const q = readEventQuery(req.query);
    verifyEventSignature(crypto, q, body.encrypt, { nowMs: req.receivedAt, toleranceSec: settings.timestampToleranceSec });
    const event = classifyEvent(decryptEvent(crypto, body.encrypt));
    const success = { status: 200, body: crypto.encryptedAnswer('success', clock()), contentType: 'application/json; charset=utf-8' };
    if (event.kind === 'check_url') return { kind: 'answer', ...success };
    return { kind: 'ignored', ack: success, reason: `event ${event.eventType || '(none)'}: acknowledged` };
  }

  function publishState(state: StreamConnectionState, reason?: string): void {
    const m = config.metrics;
    if (!m) return;
    for (const s of ['connecting', 'open', 'backoff', 'stopped'] as const) {
      m.platformConnections.set({ platform: 'dingtalk', bot: state.botId, state: s }, s === state.state ? 1 : 0);
    }
    if (state.state === 'backoff' && reason) m.platformReconnects.inc({ platform: 'dingtalk', bot: state.botId, reason });
  }

  async function stopStream(botId: string): Promise<void> {
    const running = streams.get(botId);
    if (!running) return;
    streams.delete(botId);
    await running.client.stop();
  }

  const adapter: DingtalkAdapter = {
    platform: 'dingtalk',
    modes: DINGTALK_MODES,

    credentialsSchema(mode: string): z.ZodType<Record<string, string>> {
      return credentialsSchemaFor(mode) as unknown as z.ZodType<Record<string, string>>;
    },

    settingsSchema(): z.ZodType<BotSettings> {
      return dingtalkSettingsSchema;
    },

    async ingest(req: InboundRequest, bot: BotRuntime): Promise<IngressResult> {
      if (req.method !== 'POST') throw new DingtalkDecodeError('method_not_allowed', 'DingTalk callbacks are POST', { status: 405 });
      const settings = settingsOf(bot);
      try {
        if (bot.mode === 'robot_http') return ingestRobot(req, bot, settings);
        if (bot.mode === 'event_http') return ingestEvent(req, bot, settings);
        throw new DingtalkDecodeError('not_an_http_bot', 'This DingTalk bot receives its messages in Stream mode', { status: 404 });
      } catch (err) {
        if (err instanceof Error && 'status' in err) {
          // debug: rejected callbacks are the server's to log; an attacker must not be able to flood our logs.
          const e = err as Error & { code?: string; status?: number };
          logger.debug({ botId: bot.id, code: e.code, status: e.status }, 'dingtalk callback rejected');
        }
        throw err;
      }
    },

    sender(bot: BotRuntime): ReplySender {
      return createDingtalkSender({ bot, settings: settingsOf(bot), kv: config.kv, logger, api: () => apiClient(bot), clock, card: config.card, replyFileTimeoutMs: config.replyFileTimeoutMs });
    },

    async downloadAttachment(bot: BotRuntime, attachment: Attachment): Promise<FilePayload> {
      const ref = decodeAttachmentRef(attachment.ref);
      const file = await apiClient(bot).downloadMessageFile(ref.robotCode || robotCodeOf(bot), ref.downloadCode);
      return {
        name: attachment.name ?? file.name,
        mime: file.mime === 'application/octet-stream' && attachment.mime ? attachment.mime : file.mime,
        data: file.data,
      };
    },

    async checkConnection(bot: BotRuntime): Promise<CheckReport> {
      const settings = settingsOf(bot);
      return checkDingtalkBot(bot, {
        api: bot.credentials.clientId && bot.credentials.clientSecret ? apiClient(bot) : undefined,
        settings,
        gatewayUrl: gatewayOf(bot),
        publicBaseUrl: settings.publicBaseUrl ?? config.publicBaseUrl,
        connection: streams.get(bot.id)?.client.state,
      });
    },

    async start(bot: BotRuntime, ctx: AdapterRuntimeContext): Promise<void> {
      if (bot.mode !== 'stream' || !bot.enabled) return stopStream(bot.id);
      const fingerprint = fingerprintOf(bot);
      if (streams.get(bot.id)?.fingerprint === fingerprint) return;
      await stopStream(bot.id);
      const settings = settingsOf(bot);
      const client = new DingtalkStreamClient({
        botId: bot.id,
        api: apiClient(bot),
        gatewayUrl: gatewayOf(bot),
        inbox: ctx.inbox,
        logger,
        normalize: normalizeFor(bot, settings),
        ...config.stream,
        zombieTimeoutMs: config.stream?.zombieTimeoutMs ?? settings.zombieTimeoutSec * 1000,
        clock,
        onState: publishState,
      });
      streams.set(bot.id, { fingerprint, client });
      client.start();
    },

    stop: stopStream,

    async close(): Promise<void> {
      await Promise.all([...streams.keys()].map((id) => stopStream(id)));
      clients.clear();
    },

    apiClient,

    connectionStates(): StreamConnectionState[] {
      return [...streams.values()].map((s) => s.client.state);
    },
  };
  return adapter;
}
