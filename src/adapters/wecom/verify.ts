/**
 * Step 2 of the hot path for WeCom callbacks: authenticate. Pure (no I/O); the clock comes in as `now`.
 * Fails closed: a bot without a token or key cannot be verified against.
 */
import { WecomCrypto, WecomCryptoError } from '../../crypto/wecom-crypto.js';
import { fromCryptoError, WecomDecodeError, WecomVerifyError } from './errors.js';

/** The signed query WeCom appends to every callback. */
export interface SignedQuery {
  signature: string;
  timestamp: string;
  nonce: string;
  /** Present on the GET URL check only. */
  echostr?: string;
}

const MAX_PARAM = 128;

/** Reads `msg_signature`, `timestamp`, `nonce` (and `echostr`) from an already URL-decoded query. */
export function readSignedQuery(query: Record<string, string | undefined>, opts: { echostr: boolean }): SignedQuery {
  const signature = query.msg_signature;
  const timestamp = query.timestamp;
  const nonce = query.nonce;
  if (!signature || !timestamp || !nonce) {
    throw new WecomDecodeError('missing_signature_params', 'msg_signature, timestamp and nonce are required');
  }
  if (signature.length > MAX_PARAM || timestamp.length > 32 || nonce.length > MAX_PARAM) {
    throw new WecomDecodeError('bad_signature_params', 'Signature parameters are too long');
  }
  if (!/^\d+$/.test(timestamp)) throw new WecomDecodeError('bad_timestamp', 'timestamp must be a number of seconds');
  if (!opts.echostr) return { signature, timestamp, nonce };
  const echostr = query.echostr;
  if (!echostr) throw new WecomDecodeError('missing_echostr', 'echostr is required for the URL check');
  return { signature, timestamp, nonce, echostr };
}

/** Builds the bot's crypto; a bot with no token or a malformed key cannot authenticate anything (401). */
export function cryptoFor(creds: { token: string; encodingAesKey: string; receiveId: string }): WecomCrypto {
  if (!creds.token || !creds.encodingAesKey) {
    throw new WecomVerifyError('bot_not_configured', 'The bot has no callback Token or EncodingAESKey');
  }
  try {
    return new WecomCrypto(creds);
  } catch (err) {
    if (err instanceof WecomCryptoError) {
      throw new WecomVerifyError('bot_not_configured', 'The bot EncodingAESKey is malformed', {
        wecomCode: err.wecomCode,
        cause: err,
      });
    }
    throw err;
  }
}

/** Rejects timestamps older or newer than the tolerance (both directions). 0 disables the check. */
export function checkTimestamp(timestamp: string, nowMs: number, toleranceSec: number): void {
  if (toleranceSec <= 0) return;
  const skew = Math.abs(nowMs / 1000 - Number(timestamp));
  if (!Number.isFinite(skew) || skew > toleranceSec) {
    throw new WecomVerifyError('stale_timestamp', `Callback timestamp is ${Math.round(skew)} s away from our clock`);
  }
}

/**
 * Verifies the signature over `encrypt` (and the timestamp window). Throws {@link WecomVerifyError} (401).
 */
export function verifySignedPayload(
  crypto: WecomCrypto,
  q: SignedQuery,
  encrypt: string,
  opts: { nowMs: number; toleranceSec: number },
): void {
  try {
    crypto.verify(q.signature, q.timestamp, q.nonce, encrypt);
  } catch (err) {
    throw fromCryptoError(err);
  }
  checkTimestamp(q.timestamp, opts.nowMs, opts.toleranceSec);
}
