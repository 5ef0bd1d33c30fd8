/**
 * Callback message crypto of WeCom (企业微信) and DingTalk (钉钉): one implementation of the scheme of WeCom's
 * WXBizMsgCrypt / WXBizJsonMsgCrypt samples, which DingTalk's DingCallbackCrypto follows byte for byte. The two
 * platforms differ in parameters only (the receiver id, the error codes of their libraries, the timestamp unit and
 * the shape of the encrypted answer), never in the algorithm; DingTalk's parameters live in dingtalk-crypto.ts.
 *
 * - key = base64decode(EncodingAESKey + '=') (32 bytes); AES-256-CBC; IV = key[0..16].
 * - plaintext = random(16) ‖ msgLen(4, big-endian) ‖ msg ‖ receiveId, PKCS#7-padded to a 32-byte block
 *   (pad value 1..32; Node's built-in padding assumes 16, so auto padding is off and we pad/unpad here).
 * - signature = sha1(sort([token, timestamp, nonce, encrypt]).join('')), lowercase hex, compared in constant time.
 *
 * Pure: no I/O, no clock. Every failure is a {@link CallbackCryptoError} of the platform's scheme with a stable
 * `code`, the official library code (WeCom −400xx, DingTalk 9000xx), and an HTTP status (401 for a bad signature,
 * 400 for the rest).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import { constantTimeEqual } from './constant-time.js';

export type CallbackCryptoErrorCode =
  | 'bad_signature'
  | 'bad_base64'
  | 'bad_ciphertext'
  | 'bad_padding'
  | 'bad_length'
  | 'receive_id_mismatch'
  | 'bad_aes_key';
export type WecomCryptoErrorCode = CallbackCryptoErrorCode;

/** The official library's error codes, kept for diagnostics and for matching WeCom's own documentation. */
export const WECOM_CRYPTO_CODES: Readonly<Record<WecomCryptoErrorCode, number>> = {
  bad_signature: -40001,
  bad_aes_key: -40004,
  receive_id_mismatch: -40005,
  bad_ciphertext: -40007,
  bad_padding: -40007,
  bad_length: -40008,
  bad_base64: -40010,
};

/** A callback crypto failure of either platform. Messages never contain key material or plaintext. */
export class CallbackCryptoError extends AppError {
  override readonly code: CallbackCryptoErrorCode;
  /** The code of the platform's official crypto library (WeCom −40001 …, DingTalk 900005 …). */
  readonly libraryCode: number;

  constructor(code: CallbackCryptoErrorCode, message: string, libraryCode: number) {
    super(code, message, { status: code === 'bad_signature' ? 401 : 400, expose: code !== 'bad_signature' });
    this.code = code;
    this.libraryCode = libraryCode;
  }
}

/** A WeCom crypto failure. */
export class WecomCryptoError extends CallbackCryptoError {
  /** The official WXBizMsgCrypt error code (−40001 …). */
  readonly wecomCode: number;

  constructor(code: WecomCryptoErrorCode, message: string) {
    super(code, message, WECOM_CRYPTO_CODES[code]);
    this.wecomCode = WECOM_CRYPTO_CODES[code];
  }
}

/** What a platform using this scheme decides for itself: today, the error family its failures belong to. */
export interface CallbackCryptoScheme {
  error(code: CallbackCryptoErrorCode, message: string): CallbackCryptoError;
}

export const WECOM_CRYPTO_SCHEME: CallbackCryptoScheme = { error: (code, message) => new WecomCryptoError(code, message) };

export const WECOM_BLOCK_SIZE = 32;
const RANDOM_PREFIX = 16;
const LENGTH_FIELD = 4;
const HEADER = RANDOM_PREFIX + LENGTH_FIELD;
const ENCODING_AES_KEY_RE = /^[A-Za-z0-9+/]{43}$/;

/** Decodes a 43-character EncodingAESKey into the 32-byte AES key. */
export function decodeEncodingAesKey(encodingAesKey: string, scheme: CallbackCryptoScheme = WECOM_CRYPTO_SCHEME): Buffer {
  if (!ENCODING_AES_KEY_RE.test(encodingAesKey)) {
    throw scheme.error('bad_aes_key', 'EncodingAESKey must be 43 characters of base64 (A–Z, a–z, 0–9, +, /)');
  }
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw scheme.error('bad_aes_key', 'EncodingAESKey does not decode to 32 bytes');
  return key;
}

/**
 * Strict base64: Node's decoder silently skips junk, which would let two different strings decrypt the same.
 * A string is accepted only when it is exactly the canonical encoding of what it decodes to (one native encode:
 * several times cheaper than a regex over a kilobyte of ciphertext on the ingress hot path).
 */
export function decodeBase64Strict(value: string, scheme: CallbackCryptoScheme = WECOM_CRYPTO_SCHEME): Buffer {
  if (value.length === 0 || value.length % 4 !== 0) throw scheme.error('bad_base64', 'Encrypted payload is not valid base64');
  const decoded = Buffer.from(value, 'base64');
  if (decoded.toString('base64') !== value) throw scheme.error('bad_base64', 'Encrypted payload is not valid base64');
  return decoded;
}

/** sha1 over the sorted parts, lowercase hex. */
export function computeWecomSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  const parts = [token, timestamp, nonce, encrypt].sort();
  return createHash('sha1').update(parts.join(''), 'utf8').digest('hex');
}

/** Throws `bad_signature` unless `signature` matches; constant time, case-sensitive (both platforms send lowercase). */
export function verifyWecomSignature(
  token: string,
  signature: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
  scheme: CallbackCryptoScheme = WECOM_CRYPTO_SCHEME,
): void {
  const expected = computeWecomSignature(token, timestamp, nonce, encrypt);
  if (!constantTimeEqual(expected, signature)) {
    throw scheme.error('bad_signature', 'Signature does not match');
  }
}

export function pkcs7Pad(data: Buffer, blockSize = WECOM_BLOCK_SIZE): Buffer {
  const pad = blockSize - (data.length % blockSize);
  return Buffer.concat([data, Buffer.alloc(pad, pad)]);
}

/** Removes the 32-byte PKCS#7 padding; every pad byte is checked. */
export function pkcs7Unpad(data: Buffer, blockSize = WECOM_BLOCK_SIZE, scheme: CallbackCryptoScheme = WECOM_CRYPTO_SCHEME): Buffer {
  const pad = data.length > 0 ? data[data.length - 1]! : 0;
  if (pad < 1 || pad > blockSize || pad > data.length) {
    throw scheme.error('bad_padding', 'Decrypted payload has invalid padding');
  }
  let bad = 0;
  for (let i = data.length - pad; i < data.length; i++) bad |= data[i]! ^ pad;
  if (bad !== 0) throw scheme.error('bad_padding', 'Decrypted payload has invalid padding');
  return data.subarray(0, data.length - pad);
}

function aesDecryptRaw(key: Buffer, ciphertext: Buffer, scheme: CallbackCryptoScheme): Buffer {
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    throw scheme.error('bad_ciphertext', 'Ciphertext length is not a multiple of the AES block size');
  }
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

function aesEncryptRaw(key: Buffer, padded: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]);
}

export interface CallbackCryptoOptions {
  /** The callback Token. */
  token: string;
  /** The 43-character EncodingAESKey. */
  encodingAesKey: string;
  /**
   * The owner the plaintext ends with. WeCom: CorpID for self-built apps, suite id for third-party suites, '' for
   * the smart bot. DingTalk: the app's clientId (AppKey), the corpId, or the suiteKey.
   */
  receiveId: string;
}
export type WecomCryptoOptions = CallbackCryptoOptions;

export interface EncryptedReply {
  encrypt: string;
  signature: string;
  timestamp: string;
  nonce: string;
}

/**
 * One bot's callback crypto. Cheap to construct (one base64 decode), so adapters may build one per request.
 */
export class CallbackCrypto {
  protected readonly key: Buffer;
  private readonly token: string;
  private readonly receiveId: Buffer;

  constructor(
    opts: CallbackCryptoOptions,
    protected readonly scheme: CallbackCryptoScheme,
  ) {
    this.key = decodeEncodingAesKey(opts.encodingAesKey, scheme);
    this.token = opts.token;
    this.receiveId = Buffer.from(opts.receiveId, 'utf8');
  }

  signature(timestamp: string, nonce: string, encrypt: string): string {
    return computeWecomSignature(this.token, timestamp, nonce, encrypt);
  }

  /** Throws `bad_signature` unless the signature is right. */
  verify(signature: string, timestamp: string, nonce: string, encrypt: string): void {
    verifyWecomSignature(this.token, signature, timestamp, nonce, encrypt, this.scheme);
  }

  /** Verifies the signature first, then decrypts: the order the official samples use. */
  verifyAndDecrypt(signature: string, timestamp: string, nonce: string, encrypt: string): string {
    this.verify(signature, timestamp, nonce, encrypt);
    return this.decrypt(encrypt);
  }

  /** Decrypts and checks the receiveId; returns the message as UTF-8 text. */
  decrypt(encrypt: string): string {
    return this.decryptToBuffer(encrypt).toString('utf8');
  }

  /** Decrypts and checks the receiveId; returns the message bytes. Does not check any signature. */
  decryptToBuffer(encrypt: string): Buffer {
    const fail = this.scheme.error;
    const plain = pkcs7Unpad(aesDecryptRaw(this.key, decodeBase64Strict(encrypt, this.scheme), this.scheme), WECOM_BLOCK_SIZE, this.scheme);
    if (plain.length < HEADER) throw fail('bad_length', 'Decrypted payload is shorter than its header');
    const msgLen = plain.readUInt32BE(RANDOM_PREFIX);
    if (msgLen > plain.length - HEADER) {
      throw fail('bad_length', 'Message length field is out of range');
    }
    const msg = plain.subarray(HEADER, HEADER + msgLen);
    const receiveId = plain.subarray(HEADER + msgLen);
    if (receiveId.length !== this.receiveId.length || !constantTimeEqual(receiveId, this.receiveId)) {
      throw fail('receive_id_mismatch', 'Message was encrypted for another receiver');
    }
    return msg;
  }

  /** Encrypts a message (string or bytes). `random` is for tests; production uses 16 fresh random bytes. */
  encrypt(message: string | Buffer, random: Buffer = randomBytes(RANDOM_PREFIX)): string {
    if (random.length !== RANDOM_PREFIX) throw new RangeError('random prefix must be 16 bytes');
    const msg = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
    const len = Buffer.alloc(LENGTH_FIELD);
    len.writeUInt32BE(msg.length, 0);
    const padded = pkcs7Pad(Buffer.concat([random, len, msg, this.receiveId]));
    return aesEncryptRaw(this.key, padded).toString('base64');
  }

  /** Encrypts and signs a passive reply (WeCom app XML or smart-bot JSON, DingTalk's encrypted `success`). */
  encryptReply(message: string, timestamp: string, nonce: string): EncryptedReply {
    const encrypt = this.encrypt(message);
    return { encrypt, signature: this.signature(timestamp, nonce, encrypt), timestamp, nonce };
  }
}

/** WeCom's parameters of the shared scheme, plus the smart bot's file encryption. */
export class WecomCrypto extends CallbackCrypto {
  constructor(opts: WecomCryptoOptions) {
    super(opts, WECOM_CRYPTO_SCHEME);
  }

  /**
   * Decrypts a downloaded smart-bot file (image/file url): the whole body is AES-256-CBC with the bot's key,
   * IV = key[0..16], 32-byte PKCS#7, no random prefix or length field.
   */
  decryptMedia(data: Buffer): Buffer {
    return decryptWecomMedia(this.key, data);
  }
}

/** See {@link WecomCrypto.decryptMedia}; `key` is the 32-byte AES key. */
export function decryptWecomMedia(key: Buffer, data: Buffer): Buffer {
  if (key.length !== 32) throw new WecomCryptoError('bad_aes_key', 'AES key must be 32 bytes');
  return pkcs7Unpad(aesDecryptRaw(key, data, WECOM_CRYPTO_SCHEME));
}

/** The inverse of {@link decryptWecomMedia}, for fakes and tests. */
export function encryptWecomMedia(key: Buffer, data: Buffer): Buffer {
  if (key.length !== 32) throw new WecomCryptoError('bad_aes_key', 'AES key must be 32 bytes');
  return aesEncryptRaw(key, pkcs7Pad(data));
}
