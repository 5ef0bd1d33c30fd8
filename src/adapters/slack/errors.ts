import { AppError, type RetryHint } from '../../errors.js';

/**
 * A failed Slack Web API call, translated once by `translateSlackError` (web-api.ts).
 * `code` is stable (`slack_not_in_channel`, `slack_rate_limited`, ...); `message` says what to do and never
 * contains a token. The queue reads `retryable` / `retryAfterMs` through `retryHintOf`.
 */
export class SlackApiError extends AppError implements RetryHint {
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** Slack's own error string (`not_in_channel`), when Slack answered one. */
  readonly slackError?: string;
  readonly method: string;

  constructor(
    code: string,
    message: string,
    opts: { method: string; retryable: boolean; retryAfterMs?: number; slackError?: string; cause?: unknown },
  ) {
    super(code, message, { status: 502, expose: true, cause: opts.cause });
    this.method = opts.method;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
    this.slackError = opts.slackError;
  }
}

/** An inbound file could not be fetched (too large, wrong host, HTTP error). */
export class SlackFileError extends AppError implements RetryHint {
  readonly retryable: boolean;
  constructor(code: string, message: string, opts: { retryable: boolean; cause?: unknown }) {
    super(code, message, { status: 502, expose: true, cause: opts.cause });
    this.retryable = opts.retryable;
  }
}
