/**
 * The WeCom adapter's error family. Every remote errcode is translated in exactly one place:
 * {@link translateWecomErrcode}. Messages never contain the access token, the secret or the AES key.
 */
import { AppError, BadRequestError, VerifyError } from '../../errors.js';
import { WecomCryptoError } from '../../crypto/wecom-crypto.js';

/** A callback failed authentication (bad signature, stale timestamp): 401, opaque to the caller. */
export class WecomVerifyError extends VerifyError {
  readonly wecomCode?: number;
  constructor(code: string, message: string, opts: { wecomCode?: number; cause?: unknown } = {}) {
    super(code, message, { cause: opts.cause });
    this.wecomCode = opts.wecomCode;
  }
}

/** A callback was authenticated (or could not be) but is malformed or not for this bot: 400 unless said otherwise. */
export class WecomDecodeError extends BadRequestError {
  readonly wecomCode?: number;
  constructor(code: string, message: string, opts: { wecomCode?: number; status?: number; cause?: unknown } = {}) {
    super(code, message, { status: opts.status, cause: opts.cause });
    this.wecomCode = opts.wecomCode;
  }
}

/** Maps a crypto failure to the HTTP-facing family: bad signature → 401, everything else → 400. */
export function fromCryptoError(err: unknown): unknown {
  if (!(err instanceof WecomCryptoError)) return err;
  if (err.code === 'bad_signature') {
    return new WecomVerifyError('bad_signature', 'WeCom callback signature does not match', {
      wecomCode: err.wecomCode,
      cause: err,
    });
  }
  return new WecomDecodeError(err.code, err.message, { wecomCode: err.wecomCode, cause: err });
}

export type WecomApiErrorCategory =
  /** Fixable only by an admin (trusted IP list, secret, agent id, visible range): never retried. */
  | 'configuration'
  /** The access token was rejected: refresh and retry once. */
  | 'token'
  /** Frequency/concurrency limits: back off, retry later. */
  | 'rate_limit'
  /** WeCom busy, network failure, 5xx: retry with backoff. */
  | 'transient'
  /** The request itself is wrong (bad media id, content too long): never retried. */
  | 'invalid_request';

/** A failed WeCom server API call. Carries the retry hint the queue reads via `retryHintOf`. */
export class WecomApiError extends AppError {
  /** WeCom's errcode when the API answered one. */
  readonly errcode?: number;
  readonly category: WecomApiErrorCategory;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** The API path, e.g. `/cgi-bin/message/send` (never the query: it holds the token). */
  readonly api: string;

  constructor(
    code: string,
    message: string,
    opts: {
      api: string;
      category: WecomApiErrorCategory;
      retryable: boolean;
      errcode?: number;
      retryAfterMs?: number;
      cause?: unknown;
    },
  ) {
    super(code, message, {
      status: opts.category === 'configuration' || opts.category === 'invalid_request' ? 400 : 502,
      expose: true,
      cause: opts.cause,
    });
    this.errcode = opts.errcode;
    this.category = opts.category;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
    this.api = opts.api;
  }
}

/** Back-off WeCom asks for, in ms, per rate-limit errcode. */
export const WECOM_RATE_LIMIT_BACKOFF_MS: Readonly<Record<number, number>> = {
  45009: 60_000, // API frequency limit (per minute windows)
  45033: 2_000, // too many concurrent calls
  45047: 60_000, // too many messages to one member
};

/** Pulls the caller's IP out of a 60020 errmsg ("... from ip: 1.2.3.4, more info at ..."). */
export function ipFromErrmsg(errmsg: string): string | undefined {
  const m = /from ip:\s*([0-9a-fA-F.:]+)/.exec(errmsg);
  return m?.[1];
}

/**
 * The one function that turns a WeCom errcode into a typed error. `errmsg` is WeCom's own text (safe: it never
 * echoes the token); our message says what happened and, for configuration errors, how to fix it.
 */
export function translateWecomErrcode(api: string, errcode: number, errmsg: string): WecomApiError {
  const base = { api, errcode };
  const suffix = ` (errcode ${errcode}: ${truncate(errmsg, 200)})`;
  switch (errcode) {
    case 40014:
    case 42001:
      return new WecomApiError(
        errcode === 42001 ? 'token_expired' : 'token_invalid',
        `WeCom rejected the access token${suffix}`,
        { ...base, category: 'token', retryable: true },
      );
    case 60020: {
      const ip = ipFromErrmsg(errmsg);
      const where = ip ? `Add ${ip}` : "Add this server's public egress IP";
      return new WecomApiError(
        'untrusted_ip',
        `WeCom refused the call because this server's IP is not on the app's trusted IP list (errcode 60020). ` +
          `${where} under App → Trusted IPs (企业可信IP) in the WeCom admin console.`,
        { ...base, category: 'configuration', retryable: false },
      );
    }
    case 81013:
      return new WecomApiError(
        'no_valid_recipient',
        'WeCom found no valid recipient for the message (errcode 81013): the user, department or tag is unknown ' +
          "or outside the app's visible range. Add the user to App → Visible range (可见范围) in the WeCom admin console.",
        { ...base, category: 'configuration', retryable: false },
      );
    case 40001:
    case 40091:
      return new WecomApiError(
        'invalid_secret',
        `WeCom rejected the app secret${suffix}. Copy the Secret from App → Secret in the WeCom admin console.`,
        { ...base, category: 'configuration', retryable: false },
      );
    case 40013:
      return new WecomApiError(
        'invalid_corp_id',
        `WeCom does not know this CorpID${suffix}. Copy it from My Company → Company Information (企业ID).`,
        { ...base, category: 'configuration', retryable: false },
      );
    case 40056:
    case 301002:
      return new WecomApiError(
        'invalid_agent_id',
        `WeCom rejected the AgentId${suffix}. Copy the AgentId from the app's page in the WeCom admin console; ` +
          'it must belong to the same app as the secret.',
        { ...base, category: 'configuration', retryable: false },
      );
    case 48002:
    case 60011:
      return new WecomApiError(
        'no_privilege',
        `The app is not allowed to call ${api}${suffix}. Check the app's API permissions and visible range.`,
        { ...base, category: 'configuration', retryable: false },
      );
    case -1:
      return new WecomApiError('system_busy', `WeCom is busy${suffix}`, {
        ...base,
        category: 'transient',
        retryable: true,
        retryAfterMs: 1_000,
      });
    case 45009:
    case 45033:
    case 45047:
      return new WecomApiError('rate_limited', `WeCom rate limit reached${suffix}`, {
        ...base,
        category: 'rate_limit',
        retryable: true,
        retryAfterMs: WECOM_RATE_LIMIT_BACKOFF_MS[errcode],
      });
    default:
      return new WecomApiError('wecom_api_error', `WeCom API ${api} failed${suffix}`, {
        ...base,
        category: 'invalid_request',
        retryable: false,
      });
  }
}

/** Network failure, timeout or a non-JSON/5xx answer: transient. `detail` must not contain the URL. */
export function transportError(api: string, detail: string, opts: { status?: number; cause?: unknown } = {}): WecomApiError {
  return new WecomApiError('wecom_unreachable', `WeCom API ${api} failed: ${detail}`, {
    api,
    category: 'transient',
    retryable: true,
    cause: opts.cause,
  });
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
