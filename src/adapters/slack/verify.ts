import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../crypto/constant-time.js';
import { VerifyError } from '../../errors.js';

/**
 * Slack request signatures, pure: no I/O, the clock is an argument.
 *
 * `X-Slack-Signature: v0=` + hex(HMAC-SHA256(signingSecret, `v0:${X-Slack-Request-Timestamp}:${rawBody}`)).
 * Rejected, always with an opaque VerifyError (401): a missing secret (fail closed), missing or repeated headers,
 * a timestamp more than 300 s away from now in either direction, any version other than `v0`, a wrong digest.
 */
export const SLACK_SIGNATURE_VERSION = 'v0';
export const SLACK_MAX_CLOCK_SKEW_SECONDS = 300;

export type HeaderBag = Record<string, string | string[] | undefined>;

export interface VerifySlackRequestInput {
  signingSecret: string | undefined;
  /** Lower-cased names; a header sent twice arrives as an array and is rejected. */
  headers: HeaderBag;
  rawBody: Buffer | string;
  /** Now, in milliseconds since the epoch. */
  nowMs: number;
  /** @defaultValue 300 */
  maxSkewSeconds?: number;
}

/** `v0=<hex>` for a body: what Slack sends, and what test signers produce. */
export function computeSlackSignature(signingSecret: string, timestamp: string | number, rawBody: Buffer | string): string {
  return `${SLACK_SIGNATURE_VERSION}=${hmac(signingSecret, String(timestamp), rawBody).toString('hex')}`;
}

/** Throws VerifyError unless the request was signed by Slack with this secret within the time window. */
export function verifySlackRequest(input: VerifySlackRequestInput): { timestamp: number } {
  const { signingSecret, headers, rawBody, nowMs } = input;
  if (!signingSecret) throw new VerifyError('slack_no_signing_secret', 'Slack bot has no signing secret');
  const signature = singleHeader(headers, 'x-slack-signature');
  const tsHeader = singleHeader(headers, 'x-slack-request-timestamp');

  if (!/^\d{1,12}$/.test(tsHeader)) throw new VerifyError('slack_bad_timestamp', 'Slack timestamp is not a number');
  const timestamp = Number(tsHeader);
  const maxSkew = input.maxSkewSeconds ?? SLACK_MAX_CLOCK_SKEW_SECONDS;
  if (Math.abs(Math.floor(nowMs / 1000) - timestamp) > maxSkew) {
    throw new VerifyError('slack_stale_timestamp', 'Slack timestamp outside the allowed window');
  }

  const prefix = `${SLACK_SIGNATURE_VERSION}=`;
  if (!signature.startsWith(prefix)) {
    throw new VerifyError('slack_unsupported_signature_version', 'Slack signature version not supported');
  }
  const hex = signature.slice(prefix.length);
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new VerifyError('slack_bad_signature', 'Slack signature malformed');

  const expected = hmac(signingSecret, tsHeader, rawBody);
  const given = Buffer.from(hex, 'hex');
  // Both are 32 bytes (the regex above); the compare is constant-time.
  if (!constantTimeEqual(given, expected)) {
    throw new VerifyError('slack_bad_signature', 'Slack signature mismatch');
  }
  return { timestamp };
}

function hmac(secret: string, timestamp: string, rawBody: Buffer | string): Buffer {
  const h = createHmac('sha256', secret);
  h.update(`${SLACK_SIGNATURE_VERSION}:${timestamp}:`);
  h.update(rawBody);
  return h.digest();
}

function singleHeader(headers: HeaderBag, name: string): string {
  const value = headers[name];
  if (value === undefined) throw new VerifyError('slack_missing_header', `Missing ${name}`);
  if (Array.isArray(value)) {
    throw new VerifyError('slack_repeated_header', `Repeated ${name}`);
  }
  return value;
}
