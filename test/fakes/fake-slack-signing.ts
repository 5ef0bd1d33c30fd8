import { createHmac } from 'node:crypto';
import type { InboundRequest } from '../../src/adapters/types.js';

/**
 * Signs Slack requests the way Slack does (independently of src/, so tests check our verifier against it):
 * `x-slack-signature: v0=hex(HMAC-SHA256(secret, "v0:<ts>:<body>"))`, `x-slack-request-timestamp: <ts>`.
 *
 *   const headers = signSlackRequest(body, { signingSecret });            // for fetch() against the real route
 *   const req = signedSlackRequest(body, { signingSecret, contentType }); // an InboundRequest for adapter.ingest
 */
export interface SignOptions {
  signingSecret: string;
  /** Seconds since the epoch. @defaultValue now */
  timestamp?: number;
}

export function slackSignature(signingSecret: string, timestamp: number | string, body: string | Buffer): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}

export function signSlackRequest(body: string | Buffer, opts: SignOptions): Record<string, string> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    'x-slack-signature': slackSignature(opts.signingSecret, timestamp, body),
    'x-slack-request-timestamp': String(timestamp),
  };
}

export interface SignedRequestOptions extends SignOptions {
  contentType?: string;
  /** Extra headers (lower-case), e.g. x-slack-retry-num; they override the signed ones when given. */
  headers?: Record<string, string | string[]>;
  /** Milliseconds; defaults to the signing time. */
  receivedAt?: number;
}

export function signedSlackRequest(body: string, opts: SignedRequestOptions): InboundRequest {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    method: 'POST',
    subPath: '',
    query: {},
    headers: {
      'content-type': opts.contentType ?? 'application/json',
      ...signSlackRequest(body, { signingSecret: opts.signingSecret, timestamp }),
      ...opts.headers,
    },
    rawBody: Buffer.from(body),
    receivedAt: opts.receivedAt ?? timestamp * 1000,
  };
}
