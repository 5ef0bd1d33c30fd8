import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { SlackApiError } from '../../../../src/adapters/slack/errors.js';
import { translateSlackError } from '../../../../src/adapters/slack/web-api.js';
import { retryHintOf } from '../../../../src/errors.js';

const platform = (error: string, extra: Record<string, unknown> = {}) => new WebAPIPlatformError({ ok: false, error, ...extra });

describe('translateSlackError', () => {
  it.each([
    ['not_in_channel', /invite it with \/invite/],
    ['channel_not_found', /private channel invite the bot/],
    ['invalid_auth', /reinstall the app/],
    ['account_inactive', /reinstall the app/],
    ['token_revoked', /reinstall the app/],
  ])('%s is permanent and says what to do', (error, hint) => {
    const e = translateSlackError(platform(error), 'chat.postMessage');
    expect(e).toBeInstanceOf(SlackApiError);
    expect(e.code).toBe(`slack_${error}`);
    expect(e.slackError).toBe(error);
    expect(e.message).toMatch(hint);
    expect(e.message).toMatch(/^chat\.postMessage failed: /);
    expect(retryHintOf(e)).toEqual({ retryable: false, retryAfterMs: undefined });
  });

  it('names the missing scope', () => {
    const e = translateSlackError(platform('missing_scope', { needed: 'files:write', provided: 'chat:write' }), 'files.getUploadURLExternal');
    expect(e.code).toBe('slack_missing_scope');
    expect(e.message).toContain('files:write');
    expect(e.retryable).toBe(false);
  });

  it('carries Retry-After for rate limits', () => {
    const e = translateSlackError(new WebAPIRateLimitedError(7), 'chat.update');
    expect(e.code).toBe('slack_rate_limited');
    expect(retryHintOf(e)).toEqual({ retryable: true, retryAfterMs: 7000 });
  });

  it('retries 5xx and network errors, not 4xx', () => {
    expect(translateSlackError(new WebAPIHTTPError(503, 'Unavailable', {}, ''), 'x').retryable).toBe(true);
    expect(translateSlackError(new WebAPIHTTPError(404, 'Not Found', {}, ''), 'x').retryable).toBe(false);
    expect(translateSlackError(new WebAPIRequestError(new Error('ECONNRESET')), 'x')).toMatchObject({ code: 'slack_network_error', retryable: true });
  });

  it('treats unknown platform errors as permanent and transient ones as retryable', () => {
    expect(translateSlackError(platform('invalid_blocks_format'), 'x').retryable).toBe(false);
    expect(translateSlackError(platform('internal_error'), 'x').retryable).toBe(true);
  });

  it('never puts a token in the message', () => {
    const e = translateSlackError(new WebAPIRequestError(new Error('request to https://slack.com/api/x failed')), 'x');
    expect(e.message).not.toMatch(/xox[bp]-/);
  });
});
