/**
 * WeCom server API client for one app (corpId + secret): token handling, message/send, media/upload, media/get,
 * agent/get. Errcodes are translated by `translateWecomErrcode` only; the access token never reaches a log line or
 * an error (axios errors are not attached as causes because their config holds the URL with the token).
 *
 * Retries inside one call:
 * - 40014 / 42001: the token is invalidated, a new one fetched, and the call retried **once**.
 * - -1 (busy), 45009 / 45033 (rate limits): backoff per the shared retry policy, as long as the wait WeCom implies
 *   fits `maxRetryAfterMs`; then the error is thrown with `retryable: true` and `retryAfterMs` for the queue.
 * - network failures: retried for idempotent calls (GET) and for connection failures (the request never left);
 *   an ambiguous message/send failure (timeout after sending) is thrown as retryable without a blind resend.
 */
import { egressAxiosOptions, egressDenialIn } from '../../egress/index.js';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { Logger } from '../../observability/logger.js';
import { DEFAULT_RETRY_POLICY, getRetryDelayMs, sleep as defaultSleep, type RetryPolicy } from '../../core/retry.js';
import type { FilePayload } from '../types.js';
import { fileNameFrom } from '../file-names.js';
import { transportError, translateWecomErrcode, WecomApiError } from './errors.js';
import type { AccessTokenCache } from '../token-cache.js';

export { fileNameFrom };

export const DEFAULT_WECOM_API_BASE = 'https://qyapi.weixin.qq.com';

export interface WecomApiClientOptions {
  baseUrl: string;
  corpId: string;
  secret: string;
  tokens: AccessTokenCache;
  logger: Logger;
  /** Shared axios instance (timeouts set there). */
  http: AxiosInstance;
  retry?: Partial<RetryPolicy>;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export type WecomMediaType = 'image' | 'voice' | 'video' | 'file';

/** Body of `message/send` without `agentid` (the client adds it). */
export type WecomMessageBody = {
  touser?: string;
  toparty?: string;
  totag?: string;
  safe?: 0 | 1;
} & (
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'markdown'; markdown: { content: string } }
  | { msgtype: 'image'; image: { media_id: string } }
  | { msgtype: 'file'; file: { media_id: string } }
);

export interface SendResult {
  msgid?: string;
  invaliduser?: string;
}

export interface AgentInfo {
  agentid: number | string;
  name?: string;
  [key: string]: unknown;
}

/** Largest media we download or upload (WeCom's own limit is 20 MB). */
export const MAX_MEDIA_BYTES = 20 * 1024 * 1024;

interface CallSpec {
  api: string;
  method: 'GET' | 'POST';
  query?: Record<string, string>;
  data?: unknown;
  binary?: boolean;
  /** Safe to resend after an ambiguous network failure. */
  idempotent: boolean;
}

/** Failures where the request never reached WeCom: always safe to retry. */
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export class WecomApiClient {
  private readonly opts: WecomApiClientOptions;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: WecomApiClientOptions) {
    this.opts = opts;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    this.sleep = opts.sleep ?? ((ms) => defaultSleep(ms));
  }

  private get creds() {
    return { platform: 'wecom', appId: this.opts.corpId, secret: this.opts.secret, baseUrl: this.opts.baseUrl };
  }

  /** A valid access token (cached, single-flight). */
  getToken(): Promise<string> {
    return this.opts.tokens.get(this.creds, () => this.fetchToken());
  }

  private async fetchToken(): Promise<{ token: string; expiresInSec: number }> {
    const body = await this.withBackoff('/cgi-bin/gettoken', () =>
      this.raw({
        api: '/cgi-bin/gettoken',
        method: 'GET',
        query: { corpid: this.opts.corpId, corpsecret: this.opts.secret },
        idempotent: true,
      }),
    );
    const json = body.json ?? {};
    const token = json.access_token;
    if (typeof token !== 'string' || token.length === 0) {
      throw transportError('/cgi-bin/gettoken', 'WeCom answered without an access_token');
    }
    const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : 7200;
    return { token, expiresInSec: expiresIn };
  }

  async sendMessage(agentId: string, body: WecomMessageBody): Promise<SendResult> {
    const res = await this.call({
      api: '/cgi-bin/message/send',
      method: 'POST',
      data: { ...body, agentid: Number(agentId) },
      idempotent: false,
    });
    const json = res.json ?? {};
    return {
      msgid: typeof json.msgid === 'string' ? json.msgid : undefined,
      invaliduser: typeof json.invaliduser === 'string' && json.invaliduser ? json.invaliduser : undefined,
    };
  }

  /** Uploads a temporary media file (valid 3 days); returns its media_id. */
  async uploadMedia(type: WecomMediaType, file: FilePayload): Promise<string> {
    if (file.data.length > MAX_MEDIA_BYTES) {
      throw new WecomApiError('media_too_large', `File ${file.name} is larger than WeCom's 20 MB limit`, {
        api: '/cgi-bin/media/upload',
        category: 'invalid_request',
        retryable: false,
      });
    }
    const res = await this.call({
      api: '/cgi-bin/media/upload',
      method: 'POST',
      query: { type },
      // A fresh form per attempt: bodies are streams once sent.
      data: () => {
        const form = new FormData();
        form.append('media', new Blob([file.data], { type: file.mime || 'application/octet-stream' }), file.name);
        return form;
      },
      idempotent: true,
    });
    const mediaId = res.json?.media_id;
    if (typeof mediaId !== 'string') throw transportError('/cgi-bin/media/upload', 'WeCom answered without a media_id');
    return mediaId;
  }

  /** Downloads a media file by id (inbound images, voice, files). */
  async getMedia(mediaId: string): Promise<FilePayload> {
    const res = await this.call({ api: '/cgi-bin/media/get', method: 'GET', query: { media_id: mediaId }, binary: true, idempotent: true });
    const data = res.bytes ?? Buffer.alloc(0);
    const mime = String(res.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
    return { name: fileNameFrom(res.headers['content-disposition']) ?? mediaId, mime, data };
  }

  async getAgent(agentId: string): Promise<AgentInfo> {
    const res = await this.call({ api: '/cgi-bin/agent/get', method: 'GET', query: { agentid: agentId }, idempotent: true });
    return res.json as AgentInfo;
  }

  /** A call with the access token: refresh-and-retry-once on token errors, backoff on busy/rate limits. */
  private async call(spec: Omit<CallSpec, 'data'> & { data?: unknown }): Promise<RawResult> {
    return this.withBackoff(spec.api, async () => {
      const token = await this.getToken();
      try {
        return await this.raw({ ...spec, query: { ...spec.query, access_token: token } });
      } catch (err) {
        if (!(err instanceof WecomApiError) || err.category !== 'token') throw err;
        this.opts.logger.info({ api: spec.api, errcode: err.errcode }, 'wecom token rejected, refreshing once');
        await this.opts.tokens.invalidate(this.creds, token);
        const fresh = await this.getToken();
        return this.raw({ ...spec, query: { ...spec.query, access_token: fresh } });
      }
    });
  }

  private async withBackoff<T>(api: string, attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof WecomApiError) || !err.retryable || err.category === 'token') throw err;
        if (n >= this.policy.attempts) throw err;
        const hinted = err.category === 'rate_limit' ? err.retryAfterMs : undefined;
        if (hinted !== undefined && hinted > this.policy.maxRetryAfterMs) throw err;
        const delay = getRetryDelayMs(n, this.policy, hinted, this.opts.random);
        this.opts.logger.warn({ api, errcode: err.errcode, code: err.code, attempt: n, delayMs: delay }, 'wecom api retry');
        await this.sleep(delay);
      }
    }
  }

  /** One HTTP exchange; throws a translated WecomApiError for errcode ≠ 0 and transport failures. */
  private async raw(spec: Omit<CallSpec, 'data'> & { data?: unknown }): Promise<RawResult> {
    const url = `${this.opts.baseUrl.replace(/\/+$/, '')}${spec.api}`;
    const started = Date.now();
    let res: AxiosResponse<ArrayBuffer>;
    try {
      res = await this.opts.http.request<ArrayBuffer>({
        url,
        method: spec.method,
        params: spec.query,
        data: typeof spec.data === 'function' ? (spec.data as () => unknown)() : spec.data,
        responseType: 'arraybuffer',
        maxContentLength: MAX_MEDIA_BYTES,
        maxBodyLength: MAX_MEDIA_BYTES + 64 * 1024,
        validateStatus: () => true,
      });
    } catch (err) {
      const denied = egressDenialIn(err);
      if (denied) throw new WecomApiError(denied.code, denied.message, { api: spec.api, category: 'configuration', retryable: false });
      const code = axios.isAxiosError(err) ? err.code : undefined;
      const sent = !(code && CONNECT_ERRORS.has(code));
      const detail = code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timed out' : `network error${code ? ` (${code})` : ''}`;
      this.opts.logger.warn({ api: spec.api, code, ms: Date.now() - started }, 'wecom api transport failure');
      const e = transportError(spec.api, detail);
      if (sent && !spec.idempotent) {
        // The request may have reached WeCom: let the queue decide later instead of resending now.
        throw new WecomApiError('wecom_ambiguous', `WeCom API ${spec.api} ${detail}; the call may have succeeded`, {
          api: spec.api,
          category: 'transient',
          retryable: true,
          retryAfterMs: 5_000,
        });
      }
      throw e;
    }
    const bytes = Buffer.from(res.data ?? new ArrayBuffer(0));
    const type = String(res.headers['content-type'] ?? '');
    if (res.status >= 500) throw transportError(spec.api, `HTTP ${res.status}`);
    const json = parseJsonObject(bytes);
    if (spec.binary && res.status < 300) {
      // media/get answers the file itself, or a JSON error (some deployments label it text/plain).
      const errcode = json && (type.includes('json') || type.startsWith('text/')) ? json.errcode : undefined;
      if (typeof errcode === 'number' && errcode !== 0) {
        throw translateWecomErrcode(spec.api, errcode, typeof json?.errmsg === 'string' ? json.errmsg : '');
      }
      this.opts.logger.debug({ api: spec.api, bytes: bytes.length, ms: Date.now() - started }, 'wecom api download');
      return { bytes, headers: res.headers };
    }
    if (!json) throw transportError(spec.api, `unexpected answer (HTTP ${res.status}, ${type || 'no content type'})`);
    const errcode = typeof json.errcode === 'number' ? json.errcode : 0;
    this.opts.logger.debug({ api: spec.api, errcode, ms: Date.now() - started }, 'wecom api call');
    if (errcode !== 0) throw translateWecomErrcode(spec.api, errcode, typeof json.errmsg === 'string' ? json.errmsg : '');
    return { json, headers: res.headers };
  }
}

function parseJsonObject(bytes: Buffer): Record<string, unknown> | undefined {
  if (bytes.length === 0 || bytes.length > 1_000_000) return undefined;
  const first = bytes[0];
  if (first !== 0x7b /* { */ && first !== 0x20 && first !== 0x0a) return undefined;
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

interface RawResult {
  json?: Record<string, unknown>;
  bytes?: Buffer;
  headers: AxiosResponse['headers'];
}

/** The default axios instance for WeCom calls: through the egress policy, since a bot's apiBaseUrl is tenant input. */
export function createWecomHttp(opts: { timeoutMs?: number } = {}): AxiosInstance {
  return axios.create({ ...egressAxiosOptions(), maxRedirects: 0, timeout: opts.timeoutMs ?? 10_000, headers: { 'user-agent': 'switchboard-wecom' } });
}
