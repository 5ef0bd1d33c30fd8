/**
 * DingTalk's (钉钉) parameters of the shared callback crypto (wecom-crypto.ts): the same algorithm as WeCom with
 * DingTalk's library error codes (DingTalkEncryptException 9000xx), millisecond timestamps, 16-character nonces, and
 * the encrypted answer shape `{msg_signature, timeStamp, nonce, encrypt}`.
 *
 * The owner key at the end of the plaintext is the app's clientId (AppKey) for an internal app's event
 * subscription, the corpId for callbacks registered the old way, the suiteKey for third-party apps.
 */
import { randomInt } from 'node:crypto';
import {
  CallbackCrypto,
  CallbackCryptoError,
  type CallbackCryptoErrorCode,
  type CallbackCryptoScheme,
} from './wecom-crypto.js';

/** The codes of DingTalk's official DingCallbackCrypto library. */
export const DINGTALK_CRYPTO_CODES: Readonly<Record<CallbackCryptoErrorCode, number>> = {
  bad_aes_key: 900004,
  bad_signature: 900005,
  bad_base64: 900008,
  bad_ciphertext: 900008,
  bad_padding: 900008,
  bad_length: 900009,
  receive_id_mismatch: 900010,
};

export class DingtalkCryptoError extends CallbackCryptoError {
  constructor(code: CallbackCryptoErrorCode, message: string) {
    super(code, message, DINGTALK_CRYPTO_CODES[code]);
  }
}

export const DINGTALK_CRYPTO_SCHEME: CallbackCryptoScheme = { error: (code, message) => new DingtalkCryptoError(code, message) };

/** DingTalk's encrypted answer to an event callback. */
export interface DingtalkEncryptedAnswer {
  msg_signature: string;
  timeStamp: string;
  nonce: string;
  encrypt: string;
}

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A 16-character alphanumeric nonce, as DingTalk's own libraries make them. */
export function dingtalkNonce(): string {
  let out = '';
  for (let i = 0; i < 16; i++) out += NONCE_ALPHABET[randomInt(NONCE_ALPHABET.length)];
  return out;
}

export class DingtalkCrypto extends CallbackCrypto {
  constructor(opts: { token: string; encodingAesKey: string; ownerKey: string }) {
    super({ token: opts.token, encodingAesKey: opts.encodingAesKey, receiveId: opts.ownerKey }, DINGTALK_CRYPTO_SCHEME);
  }

  /** Encrypts and signs `plaintext` (usually `success`) as DingTalk expects the answer to a callback. */
  encryptedAnswer(plaintext: string, nowMs: number, nonce: string = dingtalkNonce()): DingtalkEncryptedAnswer {
    const r = this.encryptReply(plaintext, String(Math.floor(nowMs)), nonce);
    return { msg_signature: r.signature, timeStamp: r.timestamp, nonce: r.nonce, encrypt: r.encrypt };
  }
}
