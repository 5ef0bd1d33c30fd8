/**
 * The WeCom adapter: self-built app callbacks (`app`, encrypted XML) and smart bot callbacks (`smart_bot`,
 * encrypted JSON with the stream protocol). `ingest` runs verify → decode → normalize (pure modules) and only
 * touches the KeyValueStore for streams (opened, refreshed) and once-a-day greetings; sending, downloads and checks
 * use the API client.
 */
import { createHash, randomInt } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { WecomCrypto } from '../../crypto/wecom-crypto.js';
import { decryptWecomMedia, decodeEncodingAesKey } from '../../crypto/wecom-crypto.js';
import type { Logger } from '../../observability/logger.js';
import type { KeyValueStore } from '../../store/kv.js';
import type { RetryPolicy } from '../../core/retry.js';
import type {
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
import { createWecomHttp, DEFAULT_WECOM_API_BASE, fileNameFrom, MAX_MEDIA_BYTES, WecomApiClient } from './api-client.js';
import { checkWecomBot } from './check.js';
import {
  appCredentialsSchema,
  callbackCredentials,
  isWecomMode,
  settingsSchemaFor,
  smartBotCredentialsSchema,
  WECOM_MODES,
  type WecomSettings,
} from './config.js';
import { decryptPayload, parseInnerXml, parseSmartBotEnvelope, parseSmartBotJson, scanOuterXml } from './decode.js';
import { fromCryptoError, transportError, WecomApiError, WecomDecodeError } from './errors.js';
import { decodeAttachmentRef, normalizeAppCallback, normalizeSmartBotCallback } from './normalize.js';
import { createWecomSender } from './sender.js';
import { encryptJsonReply, SmartBotStreams, streamReplyPlaintext } from './smart-bot.js';
import { AccessTokenCache } from '../token-cache.js';
import { cryptoFor, readSignedQuery, verifySignedPayload } from './verify.js';

export interface WecomAdapterConfig {
  logger: Logger;
  kv: KeyValueStore;
  /** Where access tokens are cached; main seals it when it is shared (Redis). @defaultValue kv */
  tokenKv?: KeyValueStore;
  /** @defaultValue https://qyapi.weixin.qq.com (a bot's `settings.apiBaseUrl` wins) */
  apiBaseUrl?: string;
  clock?: () => number;
  http?: { timeoutMs?: number };
  /** Public base URL of this server, for the callback URL in the setup facts. */
  publicBaseUrl?: string;
  /** Overrides of the shared retry policy for in-call retries (tests shrink the delays). */
  retry?: Partial<RetryPolicy>;
  /** Injectable sleep for API backoff (tests). */
  sleep?: (ms: number) => Promise<void>;
  /** Minimum spacing of stream progress writes. @defaultValue 300 */
  streamPushIntervalMs?: number;
  /** Fetching one workflow file before uploading it (app bots); past it the file is linked. @defaultValue 60000 */
  replyFileTimeoutMs?: number;
}

export interface WecomAdapter extends PlatformAdapter {
  readonly platform: 'wecom';
  downloadAttachment(bot: BotRuntime, attachment: Attachment): Promise<FilePayload>;
  /** The API client of a bot (for the pipeline's diagnostics and tests). */
  apiClient(bot: BotRuntime): WecomApiClient;
}

const EMPTY_ACK = { status: 200, body: '', contentType: 'text/plain; charset=utf-8' } as const;
const GREETING_TTL_MS = 26 * 3_600_000;

function cdata(value: string): string {
  return `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

export function createWecomAdapter(config: WecomAdapterConfig): WecomAdapter {
  const clock = config.clock ?? Date.now;
  const logger = config.logger.child({ platform: 'wecom' });
  const http: AxiosInstance = createWecomHttp({ timeoutMs: config.http?.timeoutMs });
  const tokens = new AccessTokenCache({ kv: config.tokenKv ?? config.kv, logger, clock });
  const streams = new SmartBotStreams({ kv: config.kv, logger, http, clock, pushIntervalMs: config.streamPushIntervalMs });
  const clients = new LRUCache<string, WecomApiClient>({ max: 1000 });
  const settingsCache = new WeakMap<object, WecomSettings>();

  function settingsOf(bot: BotRuntime): WecomSettings {
    const raw = bot.settings ?? {};
    const hit = settingsCache.get(raw);
    if (hit) return hit;
    const parsed = settingsSchemaFor(isWecomMode(bot.mode) ? bot.mode : 'app').parse(raw);
    settingsCache.set(raw, parsed);
    return parsed;
  }

  function apiClient(bot: BotRuntime): WecomApiClient {
    const corpId = bot.credentials.corpId;
    const secret = bot.credentials.secret;
    if (!corpId || !secret) {
      throw new WecomApiError('missing_credentials', 'This WeCom bot has no CorpID/Secret, so it cannot call the WeCom API.', {
        api: '/cgi-bin/gettoken',
        category: 'configuration',
        retryable: false,
      });
    }
    const baseUrl = settingsOf(bot).apiBaseUrl ?? config.apiBaseUrl ?? DEFAULT_WECOM_API_BASE;
    const key = createHash('sha256').update(`${baseUrl}\u0000${corpId}\u0000${secret}`).digest('hex');
    let client = clients.get(key);
    if (!client) {
      client = new WecomApiClient({ baseUrl, corpId, secret, tokens, logger, http, retry: config.retry, sleep: config.sleep });
      clients.set(key, client);
    }
    return client;
  }

  /** GET URL check: verify over echostr, decrypt, answer the plaintext byte-exact. */
  function urlCheck(req: InboundRequest, crypto: WecomCrypto, settings: WecomSettings): IngressResult {
    const q = readSignedQuery(req.query, { echostr: true });
    verifySignedPayload(crypto, q, q.echostr!, { nowMs: req.receivedAt, toleranceSec: settings.timestampToleranceSec });
    const plain = decryptPayload(crypto, q.echostr!);
    return { kind: 'answer', status: 200, body: plain, contentType: 'text/plain; charset=utf-8' };
  }

  async function greetOncePerDay(bot: BotRuntime, userId: string): Promise<boolean> {
    const day = Math.floor(clock() / 86_400_000);
    return config.kv.setIfAbsent(`wecom:greet:${bot.id}:${day}:${userId}`, '1', GREETING_TTL_MS);
  }

  async function ingestApp(req: InboundRequest, bot: BotRuntime, settings: WecomSettings): Promise<IngressResult> {
    const creds = callbackCredentials(bot);
    const crypto = cryptoFor(creds);
    if (req.method === 'GET') return urlCheck(req, crypto, settings);

    const q = readSignedQuery(req.query, { echostr: false });
    const outer = scanOuterXml(req.rawBody);
    verifySignedPayload(crypto, q, outer.encrypt, { nowMs: req.receivedAt, toleranceSec: settings.timestampToleranceSec });
    const fields = parseInnerXml(decryptPayload(crypto, outer.encrypt));

    const corpId = creds.receiveId;
    const agentId = bot.credentials.agentId ?? '';
    if ((fields.ToUserName && fields.ToUserName !== corpId) || (outer.toUserName && outer.toUserName !== corpId)) {
      throw new WecomDecodeError('corp_mismatch', 'The callback is addressed to another CorpID', { wecomCode: -40005 });
    }
    const innerAgent = fields.AgentID;
    if ((innerAgent && innerAgent !== agentId) || (outer.agentId && outer.agentId !== agentId)) {
      throw new WecomDecodeError('agent_mismatch', 'The callback is addressed to another AgentId');
    }

    const result = normalizeAppCallback(fields, { botId: bot.id, tenantId: bot.tenantId, receivedAt: req.receivedAt, agentId });
    if (result.kind === 'message') return { kind: 'messages', messages: [result.message], ack: { ...EMPTY_ACK } };
    if (result.kind === 'unsupported') return { kind: 'ignored', ack: { ...EMPTY_ACK }, reason: result.reason };

    const action = result.event === 'enter_agent' || result.event === 'subscribe' ? settings.events[result.event] : 'ignore';
    if (action === 'greet' && settings.greeting && (await greetOncePerDay(bot, result.userId))) {
      const now = clock();
      const ts = String(Math.floor(now / 1000));
      const plain =
        `<xml><ToUserName>${cdata(result.userId)}</ToUserName><FromUserName>${cdata(corpId)}</FromUserName>` +
        `<CreateTime>${ts}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(settings.greeting)}</Content></xml>`;
      const r = crypto.encryptReply(plain, ts, String(randomInt(1_000_000_000, 9_999_999_999)));
      const body =
        `<xml><Encrypt>${cdata(r.encrypt)}</Encrypt><MsgSignature>${cdata(r.signature)}</MsgSignature>` +
        `<TimeStamp>${r.timestamp}</TimeStamp><Nonce>${cdata(r.nonce)}</Nonce></xml>`;
      return { kind: 'answer', status: 200, body, contentType: 'application/xml; charset=utf-8' };
    }
    return { kind: 'ignored', ack: { ...EMPTY_ACK }, reason: `event ${result.event || '(none)'}: ${action}` };
  }

  async function ingestSmartBot(req: InboundRequest, bot: BotRuntime, settings: WecomSettings): Promise<IngressResult> {
    const crypto = cryptoFor(callbackCredentials(bot));
    if (req.method === 'GET') return urlCheck(req, crypto, settings);

    const q = readSignedQuery(req.query, { echostr: false });
    const { encrypt } = parseSmartBotEnvelope(req.rawBody);
    verifySignedPayload(crypto, q, encrypt, { nowMs: req.receivedAt, toleranceSec: settings.timestampToleranceSec });
    const msg = parseSmartBotJson(decryptPayload(crypto, encrypt));

    const expectedBot = bot.credentials.botId;
    if (expectedBot && typeof msg.aibotid === 'string' && msg.aibotid !== expectedBot) {
      throw new WecomDecodeError('bot_mismatch', 'The callback is addressed to another smart bot');
    }
    const result = normalizeSmartBotCallback(msg, {
      botId: bot.id,
      tenantId: bot.tenantId,
      receivedAt: req.receivedAt,
      streaming: settings.streaming,
      mentionNames: settings.mentionNames,
    });
    const encrypted = (plaintext: string) => ({
      status: 200,
      body: encryptJsonReply(crypto, plaintext, clock()),
      contentType: 'application/json; charset=utf-8',
    });

    switch (result.kind) {
      case 'refresh': {
        const state = await streams.answerRefresh(bot.id, result.streamId);
        return { kind: 'answer', ...encrypted(streamReplyPlaintext(result.streamId, state)) };
      }
      case 'event': {
        const action = result.eventType === 'enter_chat' ? settings.events.enter_chat : 'ignore';
        if (action === 'greet' && settings.greeting && result.userId && (await greetOncePerDay(bot, result.userId))) {
          return { kind: 'answer', ...encrypted(JSON.stringify({ msgtype: 'text', text: { content: settings.greeting } })) };
        }
        return { kind: 'ignored', ack: { ...EMPTY_ACK }, reason: `event ${result.eventType || '(none)'}: ${action}` };
      }
      case 'unsupported':
        return { kind: 'ignored', ack: { ...EMPTY_ACK }, reason: result.reason };
      case 'message': {
        if (result.message.conversation.type === 'group' && settings.groupPolicy === 'disabled') {
          return { kind: 'ignored', ack: { ...EMPTY_ACK }, reason: 'group messages are disabled for this bot' };
        }
        if (!settings.streaming) return { kind: 'messages', messages: [result.message], ack: { ...EMPTY_ACK } };
        // Known from now on: a refresh for a stream never opened is told to stop polling.
        await streams.markOpened(bot.id, result.streamId);
        return { kind: 'messages', messages: [result.message], ack: encrypted(streamReplyPlaintext(result.streamId, { content: '', finish: false })) };
      }
    }
  }

  async function downloadSmartBotFile(bot: BotRuntime, url: string, aesKey: string | undefined): Promise<FilePayload> {
    let res;
    try {
      res = await http.get<ArrayBuffer>(url, {
        responseType: 'arraybuffer',
        maxContentLength: MAX_MEDIA_BYTES,
        validateStatus: () => true,
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw transportError('smart_bot_media', `download failed${code ? ` (${code})` : ''}`);
    }
    if (res.status >= 500) throw transportError('smart_bot_media', `HTTP ${res.status}`);
    if (res.status >= 400) {
      throw new WecomApiError('media_unavailable', `The smart-bot file is no longer available (HTTP ${res.status})`, {
        api: 'smart_bot_media',
        category: 'invalid_request',
        retryable: false,
      });
    }
    let data: Buffer;
    try {
      // A per-item aeskey (43 or 44 base64 characters) wins over the bot's EncodingAESKey.
      const key = aesKey
        ? Buffer.from(aesKey.length === 43 ? `${aesKey}=` : aesKey, 'base64')
        : decodeEncodingAesKey(bot.credentials.encodingAesKey ?? '');
      data = decryptWecomMedia(key, Buffer.from(res.data));
    } catch (err) {
      throw fromCryptoError(err);
    }
    const name = fileNameFrom(res.headers['content-disposition']) ?? decodeURIComponent(new URL(url).pathname.split('/').pop() || 'file');
    return { name, mime: sniffMime(data) ?? 'application/octet-stream', data };
  }

  const adapter: WecomAdapter = {
    platform: 'wecom',
    modes: WECOM_MODES,

    credentialsSchema(mode: string): z.ZodType<Record<string, string>> {
      const schema = mode === 'smart_bot' ? smartBotCredentialsSchema : appCredentialsSchema;
      return schema as unknown as z.ZodType<Record<string, string>>;
    },

    settingsSchema(mode: string): z.ZodType<BotSettings> {
      return settingsSchemaFor(isWecomMode(mode) ? mode : 'app');
    },

    async ingest(req: InboundRequest, bot: BotRuntime): Promise<IngressResult> {
      if (req.method !== 'GET' && req.method !== 'POST') {
        throw new WecomDecodeError('method_not_allowed', 'WeCom callbacks are GET or POST', { status: 405 });
      }
      const settings = settingsOf(bot);
      try {
        return bot.mode === 'smart_bot' ? await ingestSmartBot(req, bot, settings) : await ingestApp(req, bot, settings);
      } catch (err) {
        if (err instanceof Error && 'status' in err) {
          // debug: rejected callbacks are the server's to log; an attacker must not be able to flood our logs.
          const e = err as Error & { code?: string; status?: number; wecomCode?: number };
          logger.debug({ botId: bot.id, code: e.code, status: e.status, wecomCode: e.wecomCode }, 'wecom callback rejected');
        }
        throw err;
      }
    },

    sender(bot: BotRuntime): ReplySender {
      return createWecomSender({
        bot,
        settings: settingsOf(bot),
        logger,
        api: () => apiClient(bot),
        streams,
        replyFileTimeoutMs: config.replyFileTimeoutMs,
      });
    },

    async downloadAttachment(bot: BotRuntime, attachment: Attachment): Promise<FilePayload> {
      const ref = decodeAttachmentRef(attachment.ref);
      const file =
        ref.source === 'media' ? await apiClient(bot).getMedia(ref.mediaId) : await downloadSmartBotFile(bot, ref.url, ref.aesKey);
      return {
        name: attachment.name ?? file.name,
        mime: file.mime === 'application/octet-stream' && attachment.mime ? attachment.mime : file.mime,
        data: file.data,
      };
    },

    async checkConnection(bot: BotRuntime): Promise<CheckReport> {
      const hasApi = !!(bot.credentials.corpId && bot.credentials.secret);
      return checkWecomBot(bot, {
        api: hasApi ? apiClient(bot) : undefined,
        publicBaseUrl: settingsOf(bot).publicBaseUrl ?? config.publicBaseUrl,
      });
    },

    apiClient,
  };
  return adapter;
}

/** Enough sniffing for the workflow to know what it got (smart-bot downloads carry no useful content type). */
function sniffMime(data: Buffer): string | undefined {
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 6 && data.subarray(0, 6).toString('latin1').startsWith('GIF8')) return 'image/gif';
  if (data.length >= 12 && data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (data.length >= 5 && data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04) return 'application/zip';
  return undefined;
}
