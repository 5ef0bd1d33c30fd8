/**
 * DingTalk server API client for one app (clientId + clientSecret): access token, robot sends (1:1 and group),
 * sessionWebhook replies, message files, media upload (legacy API), AI cards, the robot check and the Stream
 * gateway's connection ticket. Remote answers are translated by `translateDingtalkError` only; the access token,
 * the secret and sessionWebhook URLs never reach a log line or an error.
 *
 * Retries inside one call:
 * - rejected token (HTTP 401 / InvalidAuthentication / 40014): the token is invalidated, a new one fetched, and the
 *   call retried **once**.
 * - QPS limits (403 `…QpsLimitForAppkeyAndApi`, 90018, 90002) and transient failures: backoff with jitter per the
 *   shared retry policy, as long as the wait fits `maxRetryAfterMs`; then the error goes to the queue with
 *   `retryable: true` and `retryAfterMs`.
 * - network failures: retried when the request never left, or the call is idempotent; an ambiguous send (timeout
 *   after sending) is thrown as retryable without a blind resend.
 */
import { egressDenialIn, egressFetch } from '../../egress/index.js';
import type { Logger } from '../../observability/logger.js';
import { DEFAULT_RETRY_POLICY, getRetryDelayMs, sleep as defaultSleep, type RetryPolicy } from '../../core/retry.js';
import { fileNameFrom } from '../file-names.js';
import { readCapped } from '../reply-files.js';
import type { AccessTokenCache, TokenCredentials } from '../token-cache.js';
import type { FilePayload } from '../types.js';
import { DingtalkApiError, transportError, translateDingtalkError } from './errors.js';

export interface DingtalkApiClientOptions {
  baseUrl: string;
  /** oapi.dingtalk.com: media/upload for image and file messages. */
  legacyBaseUrl: string;
  clientId: string;
  clientSecret: string;
  tokens: AccessTokenCache;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  /** @defaultValue 10000 */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  fetchFn?: typeof fetch;
}

export type DingtalkMsgKey = 'sampleText' | 'sampleMarkdown' | 'sampleImageMsg' | 'sampleFile' | 'sampleLink';

/** Largest file we download or upload (DingTalk's own limit for files is 20 MB). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** `msgParam` limit of the robot send APIs, in bytes of its JSON string. */
export const MSG_PARAM_LIMIT_BYTES = 15_000;
/** batchSend takes at most this many users per call. */
export const BATCH_SEND_MAX_USERS = 20;

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface CallSpec {
  api: string;
  method: 'GET' | 'POST' | 'PUT';
  /** Full URL when not `${baseUrl}${api}` (sessionWebhook, legacy base, gateway). Never logged. */
  url?: string;
  body?: unknown | (() => FormData);
  /** Send the access token header (new APIs). */
  auth: boolean;
  /** Safe to resend after an ambiguous network failure. */
  idempotent: boolean;
  /** Legacy answers: HTTP 200 with `errcode`. */
  legacy?: boolean;
}

export interface CardStreamingUpdate {
  outTrackId: string;
  guid: string;
  key: string;
  content: string;
  isFull: boolean;
  isFinalize: boolean;
  isError: boolean;
}

export class DingtalkApiClient {
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly opts: DingtalkApiClientOptions) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    this.sleep = opts.sleep ?? ((ms) => defaultSleep(ms));
    // A bot's apiBaseUrl is tenant input: every call goes through the egress policy.
    this.fetchFn = opts.fetchFn ?? ((input, init) => egressFetch(input, init));
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  private get creds(): TokenCredentials {
    return { platform: 'dingtalk', appId: this.opts.clientId, secret: this.opts.clientSecret, baseUrl: this.opts.baseUrl };
  }

  /** A valid access token (cached, single-flight, refreshed early). */
  getToken(): Promise<string> {
    return this.opts.tokens.get(this.creds, () => this.fetchToken());
  }

  private async fetchToken(): Promise<{ token: string; expiresInSec: number }> {
    const json = await this.withBackoff('/v1.0/oauth2/accessToken', () =>
      this.raw(
        { api: '/v1.0/oauth2/accessToken', method: 'POST', body: { appKey: this.opts.clientId, appSecret: this.opts.clientSecret }, auth: false, idempotent: true },
        undefined,
      ),
    );
    const token = json.accessToken;
    if (typeof token !== 'string' || token.length === 0) throw transportError('/v1.0/oauth2/accessToken', 'answered without an accessToken');
    return { token, expiresInSec: typeof json.expireIn === 'number' ? json.expireIn : 7200 };
  }

  /** 1:1 messages to up to 20 staff ids. */
  async sendToUsers(robotCode: string, userIds: readonly string[], msgKey: DingtalkMsgKey, msgParam: Record<string, unknown>): Promise<string | undefined> {
    if (userIds.length === 0 || userIds.length > BATCH_SEND_MAX_USERS) throw new RangeError(`batchSend takes 1 to ${BATCH_SEND_MAX_USERS} users`);
    const api = '/v1.0/robot/oToMessages/batchSend';
    const json = await this.call({ api, method: 'POST', body: { robotCode, userIds, msgKey, msgParam: msgParamOf(api, msgParam) }, auth: true, idempotent: false });
    const invalid = Array.isArray(json.invalidStaffIdList) ? json.invalidStaffIdList : [];
    if (invalid.length > 0) {
      throw new DingtalkApiError(
        'no_valid_recipient',
        'DingTalk did not accept the recipient: the user is not a staff member the robot can reach (outside its visible range, or an external user). ' +
          'Add the user to the app\'s visible range (可见范围) in the DingTalk console.',
        { api, category: 'configuration', retryable: false },
      );
    }
    const limited = Array.isArray(json.flowControlledStaffIdList) ? json.flowControlledStaffIdList : [];
    if (limited.length > 0) {
      throw new DingtalkApiError('rate_limited', 'DingTalk flow-controlled the message to this user; it will be retried', {
        api,
        category: 'rate_limit',
        retryable: true,
        retryAfterMs: 5_000,
      });
    }
    return typeof json.processQueryKey === 'string' ? json.processQueryKey : undefined;
  }

  /** A message to a group the robot is in. */
  async sendToGroup(robotCode: string, openConversationId: string, msgKey: DingtalkMsgKey, msgParam: Record<string, unknown>): Promise<string | undefined> {
    const api = '/v1.0/robot/groupMessages/send';
    const json = await this.call({ api, method: 'POST', body: { robotCode, openConversationId, msgKey, msgParam: msgParamOf(api, msgParam) }, auth: true, idempotent: false });
    return typeof json.processQueryKey === 'string' ? json.processQueryKey : undefined;
  }

  /** A reply through the message's sessionWebhook (legacy robot message body). The URL is never logged. */
  async sendBySessionWebhook(url: string, body: Record<string, unknown>): Promise<void> {
    await this.withBackoff('sessionWebhook', () => this.raw({ api: 'sessionWebhook', url, method: 'POST', body, auth: false, idempotent: false, legacy: true }, undefined));
  }

  /** The bytes of a robot message's file (picture, file, audio, video) by its downloadCode. */
  async downloadMessageFile(robotCode: string, downloadCode: string): Promise<FilePayload> {
    const api = '/v1.0/robot/messageFiles/download';
    const json = await this.call({ api, method: 'POST', body: { downloadCode, robotCode }, auth: true, idempotent: true });
    const downloadUrl = json.downloadUrl;
    if (typeof downloadUrl !== 'string' || !/^https?:\/\//.test(downloadUrl)) throw transportError(api, 'answered without a downloadUrl');
    let res: Response;
    try {
      res = await this.fetchFn(downloadUrl, { signal: AbortSignal.timeout(60_000) });
    } catch {
      throw transportError('messageFile', 'download failed');
    }
    if (!res.ok) {
      await res.body?.cancel();
      if (res.status >= 500) throw transportError('messageFile', `download answered HTTP ${res.status}`);
      throw new DingtalkApiError('file_unavailable', `The message file is no longer available (HTTP ${res.status})`, { api: 'messageFile', category: 'invalid_request', retryable: false });
    }
    const data = await readCapped(res, MAX_FILE_BYTES, () => new DingtalkApiError('file_too_large', 'The message file is larger than 20 MB', { api: 'messageFile', category: 'invalid_request', retryable: false }));
    const mime = (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim();
    return { name: fileNameFrom(res.headers.get('content-disposition')) ?? 'file', mime, data };
  }

  /** Uploads a file through the legacy media API; returns the mediaId for sampleImageMsg / sampleFile. */
  async uploadMedia(type: 'image' | 'file', file: FilePayload): Promise<string> {
    if (file.data.length > MAX_FILE_BYTES) {
      throw new DingtalkApiError('file_too_large', `File ${file.name} is larger than DingTalk's 20 MB limit`, { api: '/media/upload', category: 'invalid_request', retryable: false });
    }
    const base = this.opts.legacyBaseUrl.replace(/\/+$/, '');
    const json = await this.call({
      api: '/media/upload',
      method: 'POST',
      url: `${base}/media/upload?type=${type}`,
      body: () => {
        const form = new FormData();
        form.append('media', new Blob([file.data], { type: file.mime || 'application/octet-stream' }), file.name);
        return form;
      },
      auth: true,
      idempotent: true,
      legacy: true,
    });
    const mediaId = json.media_id;
    if (typeof mediaId !== 'string') throw transportError('/media/upload', 'answered without a media_id');
    return mediaId;
  }

  /** Creates an AI card and delivers it to a 1:1 chat or a group. */
  async createAndDeliverCard(body: Record<string, unknown>): Promise<void> {
    const api = '/v1.0/card/instances/createAndDeliver';
    const json = await this.call({ api, method: 'POST', body, auth: true, idempotent: false });
    const result = json.result;
    const deliveries = result && typeof result === 'object' && Array.isArray((result as { deliverResults?: unknown }).deliverResults) ? (result as { deliverResults: unknown[] }).deliverResults : [];
    const failed = deliveries.find((d) => d && typeof d === 'object' && (d as { success?: unknown }).success === false) as { errorMsg?: string } | undefined;
    if (json.success === false || failed) {
      throw new DingtalkApiError('card_not_delivered', `DingTalk did not deliver the AI card${failed?.errorMsg ? `: ${String(failed.errorMsg).slice(0, 200)}` : ''}`, {
        api,
        category: 'invalid_request',
        retryable: false,
      });
    }
  }

  /** One streaming update of an AI card's content key. */
  async streamCard(update: CardStreamingUpdate): Promise<void> {
    await this.call({ api: '/v1.0/card/streaming', method: 'PUT', body: update, auth: true, idempotent: true });
  }

  /** A read-only call naming the robot: fails when DingTalk does not know the robotCode for this app. */
  async queryRobotPlugins(robotCode: string): Promise<void> {
    await this.call({ api: '/v1.0/robot/plugins/query', method: 'POST', body: { robotCode }, auth: true, idempotent: true });
  }

  /** Stream mode: a one-connection ticket (valid 90 s) and the endpoint to connect to. */
  async openStreamConnection(gatewayUrl: string, subscriptions: ReadonlyArray<{ type: string; topic: string }>, ua: string): Promise<{ endpoint: string; ticket: string }> {
    const api = '/v1.0/gateway/connections/open';
    const json = await this.raw(
      {
        api,
        url: `${gatewayUrl.replace(/\/+$/, '')}${api}`,
        method: 'POST',
        body: { clientId: this.opts.clientId, clientSecret: this.opts.clientSecret, subscriptions, ua },
        auth: false,
        idempotent: true,
      },
      undefined,
    );
    if (typeof json.endpoint !== 'string' || !/^wss?:\/\//.test(json.endpoint) || typeof json.ticket !== 'string' || !json.ticket) {
      throw transportError(api, 'answered without an endpoint and ticket');
    }
    return { endpoint: json.endpoint, ticket: json.ticket };
  }

  /** A call with the access token: refresh-and-retry-once on a rejected token, backoff on limits and failures. */
  private call(spec: CallSpec): Promise<Record<string, unknown>> {
    return this.withBackoff(spec.api, async () => {
      const token = await this.getToken();
      try {
        return await this.raw(spec, token);
      } catch (err) {
        if (!(err instanceof DingtalkApiError) || err.category !== 'token') throw err;
        this.opts.logger.info({ api: spec.api, remoteCode: err.remoteCode }, 'dingtalk token rejected, refreshing once');
        await this.opts.tokens.invalidate(this.creds, token);
        return this.raw(spec, await this.getToken());
      }
    });
  }

  private async withBackoff<T>(api: string, attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof DingtalkApiError) || !err.retryable || err.category === 'token') throw err;
        if (n >= this.policy.attempts) throw err;
        const hinted = err.retryAfterMs;
        if (hinted !== undefined && hinted > this.policy.maxRetryAfterMs) throw err;
        // A QPS limit clears within the second: back off from there, with jitter so concurrent sends spread out.
        const floor = err.category === 'rate_limit' ? (hinted ?? 0) : 0;
        const delay = Math.max(floor * (0.5 + 0.5 * (this.opts.random ?? Math.random)()), getRetryDelayMs(n, this.policy, undefined, this.opts.random));
        this.opts.logger.warn({ api, code: err.code, remoteCode: err.remoteCode, attempt: n, delayMs: Math.round(delay) }, 'dingtalk api retry');
        await this.sleep(Math.round(delay));
      }
    }
  }

  /** One HTTP exchange; throws a translated DingtalkApiError for a failure answer. */
  private async raw(spec: CallSpec, token: string | undefined): Promise<Record<string, unknown>> {
    let url = spec.url ?? `${this.opts.baseUrl.replace(/\/+$/, '')}${spec.api}`;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'switchboard-dingtalk' };
    if (spec.auth && token) {
      if (spec.legacy) url += `${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`;
      else headers['x-acs-dingtalk-access-token'] = token;
    }
    let body: RequestInit['body'];
    if (typeof spec.body === 'function') body = (spec.body as () => FormData)();
    else if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers['content-type'] = 'application/json';
    }
    const started = Date.now();
    let res: Response;
    try {
      res = await this.fetchFn(url, { method: spec.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const denied = egressDenialIn(err);
      if (denied) throw new DingtalkApiError(denied.code, denied.message, { api: spec.api, category: 'configuration', retryable: false, cause: denied });
      // fetch wraps the socket's error in `cause`; node http (egressFetch) throws it as is, or an AbortError caused by the timeout.
      const inner = (err as { cause?: { code?: string; name?: string } }).cause;
      const code = inner?.code ?? (err as { code?: string }).code;
      const timedOut = (err as { name?: string }).name === 'TimeoutError' || inner?.name === 'TimeoutError';
      const neverSent = code !== undefined && CONNECT_ERRORS.has(code);
      this.opts.logger.warn({ api: spec.api, code: code ?? (timedOut ? 'timeout' : undefined), ms: Date.now() - started }, 'dingtalk api transport failure');
      const detail = timedOut ? 'timed out' : `network error${code ? ` (${code})` : ''}`;
      throw transportError(spec.api, detail, { ambiguous: !neverSent && !spec.idempotent });
    }
    const text = await res.text().catch(() => '');
    const json = parseJsonObject(text);
    this.opts.logger.debug({ api: spec.api, status: res.status, ms: Date.now() - started }, 'dingtalk api call');
    const errcode = json && json.errcode !== undefined ? String(json.errcode) : undefined;
    if (res.status >= 300 || (errcode !== undefined && errcode !== '0')) {
      throw translateDingtalkError(spec.api, {
        status: res.status,
        code: json ? (typeof json.code === 'string' ? json.code : errcode) : undefined,
        message: json ? String(json.message ?? json.errmsg ?? '') : undefined,
        text: json ? undefined : text.slice(0, 300),
      });
    }
    if (!json) throw transportError(spec.api, `answered something other than JSON (HTTP ${res.status})`);
    return json;
  }
}

function msgParamOf(api: string, msgParam: Record<string, unknown>): string {
  const text = JSON.stringify(msgParam);
  if (Buffer.byteLength(text) > MSG_PARAM_LIMIT_BYTES) {
    throw new DingtalkApiError('message_too_large', `msgParam is larger than DingTalk's ${MSG_PARAM_LIMIT_BYTES} bytes`, { api, category: 'invalid_request', retryable: false });
  }
  return text;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (!text || text.length > 1_000_000) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
