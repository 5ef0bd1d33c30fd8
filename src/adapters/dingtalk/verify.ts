/**
 * Step 2 of the hot path for DingTalk callbacks: authenticate. Pure (no I/O); the clock comes in as `nowMs`.
 * Fails closed: a bot without its secret (robot) or token/key (events) cannot be verified against.
 *
 * - Robot HTTP callback: headers `timestamp` (ms) and `sign` = base64(HMAC-SHA256(key = appSecret,
 *   `timestamp + "\n" + appSecret`)), compared in constant time, inside the replay window in both directions.
 * - Event callback: query `msg_signature` (or `signature`), `timestamp` (or `timeStamp`), `nonce`; the signature
 *   itself is checked by the shared callback crypto over the `encrypt` field of the body.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../crypto/constant-time.js';
import { DingtalkCrypto } from '../../crypto/dingtalk-crypto.js';
import { DingtalkDecodeError, DingtalkVerifyError, fromCryptoError } from './errors.js';

type Headers = Record<string, string | string[] | undefined>;

const TIMESTAMP_RE = /^\d{1,16}$/;
const MAX_SIGN = 128;

/** The expected robot `sign` header for a timestamp. */
export function robotSign(timestamp: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`, 'utf8').digest('base64');
}

/** A DingTalk timestamp in ms; 10 digits or fewer are seconds (callbacks registered the old way). */
export function timestampMs(timestamp: string): number {
  const n = Number(timestamp);
  return timestamp.length <= 10 ? n * 1000 : n;
}

/** Throws unless `timestamp` lies within ±`toleranceSec` of `nowMs`; 0 turns the check off. */
export function checkTimestamp(timestamp: string, nowMs: number, toleranceSec: number): void {
  if (!TIMESTAMP_RE.test(timestamp)) throw new DingtalkVerifyError('bad_timestamp', 'timestamp is not a number');
  if (toleranceSec <= 0) return;
  const skew = timestampMs(timestamp) - nowMs;
  if (skew < -toleranceSec * 1000) throw new DingtalkVerifyError('stale_timestamp', `timestamp is more than ${toleranceSec} s old`);
  if (skew > toleranceSec * 1000) throw new DingtalkVerifyError('future_timestamp', `timestamp is more than ${toleranceSec} s in the future`);
}

function singleHeader(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) throw new DingtalkVerifyError('repeated_header', `the ${name} header is repeated`);
  return value;
}

/** Verifies a robot HTTP callback's `timestamp` and `sign` headers. */
export function verifyRobotSign(opts: { headers: Headers; appSecret: string; nowMs: number; toleranceSec: number }): void {
  if (!opts.appSecret) throw new DingtalkVerifyError('no_secret', 'the bot has no Client Secret to verify against');
  const timestamp = singleHeader(opts.headers, 'timestamp');
  const sign = singleHeader(opts.headers, 'sign');
  if (!timestamp || !sign) throw new DingtalkVerifyError('missing_signature', 'the timestamp and sign headers are required');
  if (sign.length > MAX_SIGN) throw new DingtalkVerifyError('bad_signature', 'the sign header is too long');
  checkTimestamp(timestamp, opts.nowMs, opts.toleranceSec);
  if (!constantTimeEqual(robotSign(timestamp, opts.appSecret), sign)) {
    throw new DingtalkVerifyError('bad_signature', 'DingTalk robot callback sign does not match');
  }
}

/** The signed query of an event callback. */
export interface EventQuery {
  signature: string;
  timestamp: string;
  nonce: string;
}

const MAX_PARAM = 128;

/** Reads the signed query, accepting both spellings DingTalk uses (`msg_signature`/`signature`, `timestamp`/`timeStamp`). */
export function readEventQuery(query: Record<string, string | undefined>): EventQuery {
  const signature = query.msg_signature ?? query.signature;
  const timestamp = query.timestamp ?? query.timeStamp;
  const nonce = query.nonce;
  if (!signature || !timestamp || !nonce) throw new DingtalkDecodeError('missing_signature_params', 'msg_signature, timestamp and nonce are required');
  if (signature.length > MAX_PARAM || timestamp.length > 32 || nonce.length > MAX_PARAM) {
    throw new DingtalkDecodeError('bad_signature_params', 'signature parameters are too long');
  }
  return { signature, timestamp, nonce };
}

/** The event crypto of a bot; fails closed when the Token or aes_key is missing or malformed. */
export function eventCryptoFor(creds: { token?: string; encodingAesKey?: string; ownerKey: string }): DingtalkCrypto {
  if (!creds.token || !creds.encodingAesKey) throw new DingtalkVerifyError('no_secret', 'the bot has no event Token / aes_key to verify against');
  try {
    return new DingtalkCrypto({ token: creds.token, encodingAesKey: creds.encodingAesKey, ownerKey: creds.ownerKey });
  } catch (err) {
    throw fromCryptoError(err);
  }
}

/** Window first (cheap), then the signature over `encrypt`. */
export function verifyEventSignature(crypto: DingtalkCrypto, q: EventQuery, encrypt: string, opts: { nowMs: number; toleranceSec: number }): void {
  checkTimestamp(q.timestamp, opts.nowMs, opts.toleranceSec);
  try {
    crypto.verify(q.signature, q.timestamp, q.nonce, encrypt);
  } catch (err) {
    throw fromCryptoError(err);
  }
}
