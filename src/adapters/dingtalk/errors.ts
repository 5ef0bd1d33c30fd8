/**
 * The DingTalk adapter's error family. Every remote answer is translated in exactly one place:
 * {@link translateDingtalkError}. Messages never contain the access token, the client secret, the AES key or a
 * sessionWebhook URL (a capability).
 */
import { AppError, BadRequestError, VerifyError, type RetryHint } from '../../errors.js';
import { CallbackCryptoError } from '../../crypto/wecom-crypto.js';

/** A callback failed authentication (bad sign, stale timestamp): 401, opaque to the caller. */
export class DingtalkVerifyError extends VerifyError {}

/** A callback was malformed or not for this bot: 400 unless said otherwise. */
export class DingtalkDecodeError extends BadRequestError {}

/** Maps a crypto failure to the HTTP-facing family: bad signature → 401, everything else → 400. */
export function fromCryptoError(err: unknown): unknown {
  if (!(err instanceof CallbackCryptoError)) return err;
  if (err.code === 'bad_signature') return new DingtalkVerifyError('bad_signature', 'DingTalk callback signature does not match', { cause: err });
  return new DingtalkDecodeError(err.code, err.message, { cause: err });
}

export type DingtalkApiErrorCategory =
  /** Fixable only by an admin (secret, permissions, robot code, org quota): never retried. */
  | 'configuration'
  /** The access token was rejected: refresh and retry once. */
  | 'token'
  /** QPS limits: back off, retry within the message's budget. */
  | 'rate_limit'
  /** DingTalk busy, network failure, 5xx: retry with backoff. */
  | 'transient'
  /** The request itself is wrong: never retried. */
  | 'invalid_request';

export class DingtalkApiError extends AppError implements RetryHint {
  readonly category: DingtalkApiErrorCategory;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** The API path, e.g. `/v1.0/robot/groupMessages/send`, or `sessionWebhook` (never its URL). */
  readonly api: string;
  /** DingTalk's own code (`Forbidden.AccessDenied.QpsLimitForAppkeyAndApi`, `90018`, ...) when it gave one. */
  readonly remoteCode?: string;
  readonly httpStatus?: number;

  constructor(
    code: string,
    message: string,
    opts: { api: string; category: DingtalkApiErrorCategory; retryable: boolean; retryAfterMs?: number; remoteCode?: string; httpStatus?: number; cause?: unknown },
  ) {
    super(code, message, { status: opts.category === 'configuration' || opts.category === 'invalid_request' ? 400 : 502, expose: true, cause: opts.cause });
    this.category = opts.category;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
    this.api = opts.api;
    this.remoteCode = opts.remoteCode;
    this.httpStatus = opts.httpStatus;
  }
}

/** A QPS limit clears within the second; DingTalk's per-IP "punish" lasts five minutes. */
const QPS_BACKOFF_MS = 1_000;
const PUNISH_BACKOFF_MS = 300_000;

export interface RemoteAnswer {
  status: number;
  /** `code` (new APIs) or `errcode` (legacy APIs and sessionWebhook), as a string. */
  code?: string;
  message?: string;
  /** The first bytes of a non-JSON body (HTML "punish" pages). */
  text?: string;
}

/**
 * The one function that turns a DingTalk answer into a typed error. `message` is DingTalk's own text (safe: it
 * never echoes the token); ours says what happened and, for configuration errors, how to fix it.
 */
export function translateDingtalkError(api: string, answer: RemoteAnswer): DingtalkApiError {
  const code = answer.code ?? '';
  const base = { api, remoteCode: code || undefined, httpStatus: answer.status };
  const said = ` (HTTP ${answer.status}${code ? `, ${code}` : ''}${answer.message ? `: ${truncate(answer.message, 200)}` : ''})`;
  const text = `${code} ${answer.message ?? ''} ${answer.text ?? ''}`;

  if (code === 'invalidClientIdOrSecret' || (api === '/v1.0/oauth2/accessToken' && (answer.status === 400 || answer.status === 401) && /secret|clientid|appkey/i.test(text))) {
    return new DingtalkApiError(
      'invalid_secret',
      `DingTalk rejected the Client ID / Client Secret${said}. Copy both from the app's Credentials & Basic Info page (凭证与基础信息) in the DingTalk developer console.`,
      { ...base, category: 'configuration', retryable: false },
    );
  }
  if (code === 'InvalidAuthentication' || code === '40014' || code === '42001' || code === '88' || answer.status === 401) {
    return new DingtalkApiError('token_invalid', `DingTalk rejected the access token${said}`, { ...base, category: 'token', retryable: true });
  }
  if (/ApiCountLimitForOrg/.test(code) || code === '90020') {
    return new DingtalkApiError(
      'org_quota_exhausted',
      `DingTalk refused the call: the organisation's monthly API quota is used up${said}. Upgrade the DingTalk edition or wait for the next month; retrying will not help.`,
      { ...base, category: 'configuration', retryable: false },
    );
  }
  if (/QpsLimit/.test(code) || code === '90018' || code === '90002') {
    return new DingtalkApiError('rate_limited', `DingTalk rate limit reached${said}`, { ...base, category: 'rate_limit', retryable: true, retryAfterMs: QPS_BACKOFF_MS });
  }
  if (/punish/i.test(text)) {
    return new DingtalkApiError('ip_banned', `DingTalk temporarily blocks this server's IP for too many requests${said}`, {
      ...base,
      category: 'rate_limit',
      retryable: true,
      retryAfterMs: PUNISH_BACKOFF_MS,
    });
  }
  if (/AccessTokenPermissionDenied|Forbidden\.AccessDenied|PermissionDenied|noPermission/i.test(code)) {
    return new DingtalkApiError(
      'no_permission',
      `The app is not allowed to call ${api}${said}. Grant the permission named there under Permissions (权限管理) in the DingTalk developer console, then publish the app version.`,
      { ...base, category: 'configuration', retryable: false },
    );
  }
  if (answer.status >= 500 || answer.status === 429 || code === '-1') {
    return new DingtalkApiError('dingtalk_unavailable', `DingTalk API ${api} failed${said}`, { ...base, category: 'transient', retryable: true });
  }
  if (/robot/i.test(code) && /not.?(exist|found)|invalid/i.test(text)) {
    return new DingtalkApiError(
      'invalid_robot_code',
      `DingTalk does not know this robotCode${said}. Copy the RobotCode from the app's Robot page (机器人) in the developer console; it is usually the Client ID.`,
      { ...base, category: 'configuration', retryable: false },
    );
  }
  return new DingtalkApiError('dingtalk_api_error', `DingTalk API ${api} failed${said}`, { ...base, category: 'invalid_request', retryable: false });
}

/** Network failure or timeout: transient. `detail` must not contain the URL. */
export function transportError(api: string, detail: string, opts: { ambiguous?: boolean } = {}): DingtalkApiError {
  return new DingtalkApiError(
    opts.ambiguous ? 'dingtalk_ambiguous' : 'dingtalk_unreachable',
    `DingTalk API ${api} ${detail}${opts.ambiguous ? '; the call may have succeeded' : ''}`,
    { api, category: 'transient', retryable: true, retryAfterMs: opts.ambiguous ? 5_000 : undefined },
  );
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
