import { describe, expect, it } from 'vitest';
import { VerifyError } from '../../../../src/errors.js';
import { computeSlackSignature, verifySlackRequest } from '../../../../src/adapters/slack/verify.js';

// Slack's documented example ("Verifying requests from Slack").
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TS = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIG = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const NOW = Number(TS) * 1000;

const headers = (over: Record<string, string | string[] | undefined> = {}) => ({
  'x-slack-signature': SIG,
  'x-slack-request-timestamp': TS,
  ...over,
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(VerifyError);
    expect((err as VerifyError).status).toBe(401);
    expect((err as VerifyError).expose).toBe(false);
    return (err as VerifyError).code;
  }
  return undefined;
}

describe('verifySlackRequest', () => {
  it("verifies Slack's documented example", () => {
    expect(computeSlackSignature(SECRET, TS, BODY)).toBe(SIG);
    expect(verifySlackRequest({ signingSecret: SECRET, headers: headers(), rawBody: Buffer.from(BODY), nowMs: NOW })).toEqual({
      timestamp: 1531420618,
    });
  });

  it('accepts timestamps up to 300 s away in both directions', () => {
    for (const skew of [-300_000, 300_999]) {
      expect(() => verifySlackRequest({ signingSecret: SECRET, headers: headers(), rawBody: BODY, nowMs: NOW + skew })).not.toThrow();
    }
  });

  it('rejects a tampered body', () => {
    expect(codeOf(() => verifySlackRequest({ signingSecret: SECRET, headers: headers(), rawBody: `${BODY}x`, nowMs: NOW }))).toBe(
      'slack_bad_signature',
    );
  });

  it('rejects a wrong secret', () => {
    expect(codeOf(() => verifySlackRequest({ signingSecret: 'another-secret-000000', headers: headers(), rawBody: BODY, nowMs: NOW }))).toBe(
      'slack_bad_signature',
    );
  });

  it('rejects stale and future timestamps', () => {
    expect(codeOf(() => verifySlackRequest({ signingSecret: SECRET, headers: headers(), rawBody: BODY, nowMs: NOW + 301_000 }))).toBe(
      'slack_stale_timestamp',
    );
    expect(codeOf(() => verifySlackRequest({ signingSecret: SECRET, headers: headers(), rawBody: BODY, nowMs: NOW - 302_000 }))).toBe(
      'slack_stale_timestamp',
    );
  });

  it('rejects unknown signature versions', () => {
    const v1 = SIG.replace('v0=', 'v1=');
    expect(codeOf(() => verifySlackRequest({ signingSecret: SECRET, headers: headers({ 'x-slack-signature': v1 }), rawBody: BODY, nowMs: NOW }))).toBe(
      'slack_unsupported_signature_version',
    );
  });

  it('rejects repeated and missing headers', () => {
    expect(
      codeOf(() => verifySlackRequest({ signingSecret: SECRET, headers: headers({ 'x-slack-signature': [SIG, SIG] }), rawBody: BODY, nowMs: NOW })),
    ).toBe('slack_repeated_header');
    expect(
      codeOf(() => verifySlackRequest({ signingSecret: SECRET, headers: headers({ 'x-slack-request-timestamp': [TS, TS] }), rawBody: BODY, nowMs: NOW })),
    ).toBe('slack_repeated_header');
    expect(
      codeOf(() => verifySlackRequest({ signingSecret: SECRET, headers: headers({ 'x-slack-signature': undefined }), rawBody: BODY, nowMs: NOW })),
    ).toBe('slack_missing_header');
    expect(codeOf(() => verifySlackRequest({ signingSecret: SECRET, headers: {}, rawBody: BODY, nowMs: NOW }))).toBe('slack_missing_header');
  });

  it('rejects comma-joined headers, malformed digests and timestamps', () => {
    for (const [k, v] of [
      ['x-slack-signature', `${SIG},${SIG}`],
      ['x-slack-signature', `${SIG.slice(0, -2)}`],
      ['x-slack-signature', SIG.toUpperCase().replace('V0=', 'v0=')],
      ['x-slack-request-timestamp', `${TS},${TS}`],
      ['x-slack-request-timestamp', '1531420618.5'],
      ['x-slack-request-timestamp', ''],
    ] as const) {
      expect(codeOf(() => verifySlackRequest({ signingSecret: SECRET, headers: headers({ [k]: v }), rawBody: BODY, nowMs: NOW }))).toBeDefined();
    }
  });

  it('fails closed without a signing secret', () => {
    expect(codeOf(() => verifySlackRequest({ signingSecret: undefined, headers: headers(), rawBody: BODY, nowMs: NOW }))).toBe('slack_no_signing_secret');
    expect(codeOf(() => verifySlackRequest({ signingSecret: '', headers: headers(), rawBody: BODY, nowMs: NOW }))).toBe('slack_no_signing_secret');
  });
});
