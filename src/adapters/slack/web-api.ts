import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  type WebAPICallResult,
  type WebClientOptions,
} from '@slack/web-api';
import { egressDenialIn, egressFetch } from '../../egress/index.js';
import type { Logger } from '../../observability/logger.js';
import { DEFAULT_RETRY_POLICY, getRetryDelayMs, sleep, type RetryPolicy } from '../../core/retry.js';
import { boltLogger } from './bolt-logger.js';
import { SlackApiError } from './errors.js';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

export interface SlackApiOptions {
  token: string;
  /** @defaultValue https://slack.com/api/ */
  slackApiUrl?: string;
  logger: Logger;
  /** How long to keep retrying rate-limited calls inside one call; longer waits go back to the queue. */
  retry?: Partial<RetryPolicy>;
  /** Per HTTP request. @defaultValue 15000 */
  timeoutMs?: number;
}

export type SlackArgs = Record<string, unknown>;

/** A Slack Web API client: Bolt's WebClient plus our rate-limit handling and error translation. */
export interface SlackApi {
  readonly client: WebClient;
  readonly slackApiUrl: string;
  /** Calls a method; resolves with `ok: true` results, rejects with a translated SlackApiError. */
  call<T extends WebAPICallResult = WebAPICallResult>(method: string, args?: SlackArgs): Promise<T>;
}

/** Options shared by every WebClient we create (ours and Bolt's), so they behave the same. */
export function slackClientOptions(opts: { slackApiUrl?: string; logger: Logger; timeoutMs?: number }): WebClientOptions {
  return {
    slackApiUrl: normalizeApiUrl(opts.slackApiUrl),
    logger: boltLogger(opts.logger.child({ component: 'slack-web-api' })),
    timeout: opts.timeoutMs ?? 15_000,
    // A bot's slackApiUrl is tenant input: every call goes through the egress policy.
    fetch: (input, init) => egressFetch(input, init),
    // 429s come back to us at once (with Retry-After) so the shared retry policy decides, and an exhausted
    // wait becomes a retryable error the queue can schedule instead of a request parked for minutes.
    rejectRateLimitedCalls: true,
    // Network errors and 5xx: a few quick retries inside the client.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000, randomize: true },
  };
}

export function createSlackApi(opts: SlackApiOptions): SlackApi {
  const options = slackClientOptions(opts);
  const client = new WebClient(opts.token, options);
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
  return {
    client,
    slackApiUrl: options.slackApiUrl ?? DEFAULT_SLACK_API_URL,
    async call<T extends WebAPICallResult>(method: string, args: SlackArgs = {}): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return (await client.apiCall(method, args)) as T;
        } catch (err) {
          const translated = translateSlackError(err, method);
          const wait = translated.retryAfterMs;
          const canWait =
            translated.code === 'slack_rate_limited' &&
            attempt < policy.attempts &&
            wait !== undefined &&
            wait <= policy.maxRetryAfterMs;
          if (!canWait) throw translated;
          opts.logger.info({ method, retryAfterMs: wait, attempt }, 'Slack rate limit: waiting as told');
          await sleep(getRetryDelayMs(attempt, policy, wait));
        }
      }
    },
  };
}

export function normalizeApiUrl(url: string | undefined): string {
  const base = url ?? DEFAULT_SLACK_API_URL;
  return base.endsWith('/') ? base : `${base}/`;
}

interface ErrorRule {
  retryable: boolean;
  /** What to do, for the console and the dead-letter view. */
  hint: string;
}

const REINSTALL = 'reinstall the app to the workspace and save the new Bot User OAuth Token (xoxb-) on the bot';

/** Slack error strings that need an explanation; unknown platform errors are permanent (bad arguments). */
const RULES: Record<string, ErrorRule> = {
  not_in_channel: { retryable: false, hint: 'The bot is not a member of this channel: invite it with /invite @<bot name> in the channel.' },
  channel_not_found: {
    retryable: false,
    hint: 'The channel does not exist or the bot cannot see it: for a private channel invite the bot; check the bot is installed in this workspace.',
  },
  is_archived: { retryable: false, hint: 'The channel is archived: unarchive it or answer elsewhere.' },
  invalid_auth: { retryable: false, hint: `The bot token is not valid: ${REINSTALL}.` },
  not_authed: { retryable: false, hint: `No bot token was sent: save the Bot User OAuth Token (xoxb-) on the bot.` },
  token_revoked: { retryable: false, hint: `The bot token was revoked: ${REINSTALL}.` },
  token_expired: { retryable: false, hint: `The bot token expired (token rotation is on): ${REINSTALL}, or turn token rotation off.` },
  account_inactive: { retryable: false, hint: `The token belongs to a deleted user or an uninstalled app: ${REINSTALL}.` },
  missing_scope: { retryable: false, hint: 'The token lacks a scope: add it under OAuth & Permissions → Bot Token Scopes, then reinstall the app.' },
  not_allowed_token_type: { retryable: false, hint: 'Wrong token type for this method: use the xoxb- bot token (xapp- only for Socket Mode).' },
  restricted_action: { retryable: false, hint: 'A workspace admin setting prevents the bot from posting here.' },
  ekm_access_denied: { retryable: false, hint: 'Enterprise Key Management denied access to this content.' },
  msg_too_long: { retryable: false, hint: 'The message is too long for Slack.' },
  no_text: { retryable: false, hint: 'The message had no text.' },
  invalid_blocks: { retryable: false, hint: 'Slack rejected the message blocks.' },
  message_not_found: { retryable: false, hint: 'The message to update no longer exists.' },
  cant_update_message: { retryable: false, hint: 'The bot cannot edit this message.' },
  unknown_method: { retryable: false, hint: 'This workspace does not offer this API method.' },
  not_allowed: { retryable: false, hint: 'This workspace does not allow this API method.' },
  ratelimited: { retryable: true, hint: 'Slack rate limit reached: retry later.' },
  internal_error: { retryable: true, hint: 'Slack had an internal error: retry later.' },
  fatal_error: { retryable: true, hint: 'Slack had an internal error: retry later.' },
  service_unavailable: { retryable: true, hint: 'Slack is unavailable: retry later.' },
  request_timeout: { retryable: true, hint: 'Slack timed out: retry later.' },
};

/**
 * The one place Slack Web API failures become Switchboard errors: stable codes (`slack_<slack error>`,
 * `slack_rate_limited`, `slack_http_<status>`, `slack_network_error`), a message saying what to do, and the retry
 * hint the queue reads. Never includes the token.
 */
export function translateSlackError(err: unknown, method: string): SlackApiError {
  if (err instanceof SlackApiError) return err;
  const denied = egressDenialIn(err);
  if (denied) return new SlackApiError(denied.code, `${method} failed: ${denied.message}`, { method, retryable: false, cause: denied });
  if (err instanceof WebAPIRateLimitedError) {
    return new SlackApiError('slack_rate_limited', `Slack rate-limited ${method}: retry after ${err.retryAfter}s.`, {
      method,
      retryable: true,
      retryAfterMs: Math.max(0, err.retryAfter) * 1000,
      slackError: 'ratelimited',
      cause: err,
    });
  }
  if (err instanceof WebAPIPlatformError) {
    const slackError = String(err.data.error);
    const rule = RULES[slackError];
    let hint = rule?.hint ?? `Slack refused the call (${slackError}).`;
    if (slackError === 'missing_scope') {
      const data = err.data as { needed?: unknown };
      const needed = typeof data.needed === 'string' ? data.needed : undefined;
      if (needed) hint = `The token lacks the scope(s) ${needed}: add them under OAuth & Permissions → Bot Token Scopes, then reinstall the app.`;
    }
    return new SlackApiError(`slack_${slackError.replace(/[^a-z0-9_]/gi, '_')}`, `${method} failed: ${hint}`, {
      method,
      retryable: rule?.retryable ?? false,
      slackError,
      cause: err,
    });
  }
  if (err instanceof WebAPIHTTPError) {
    const retryable = err.statusCode >= 500 || err.statusCode === 408;
    return new SlackApiError(`slack_http_${err.statusCode}`, `${method} failed: Slack answered HTTP ${err.statusCode}.`, {
      method,
      retryable,
      cause: err,
    });
  }
  if (err instanceof WebAPIRequestError) {
    return new SlackApiError('slack_network_error', `${method} failed: could not reach Slack (${err.original.message}).`, {
      method,
      retryable: true,
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new SlackApiError('slack_unknown_error', `${method} failed: ${message}`, { method, retryable: true, cause: err });
}
