/**
 * WeCom (企业微信) callback message crypto: the scheme of the official WXBizMsgCrypt / WXBizJsonMsgCrypt samples.
 *
 * - key = base64decode(EncodingAESKey + '=') (32 bytes); AES-256-CBC; IV = key[0..16].
 * - plaintext = random(16) ‖ msgLen(4, big-endian) ‖ msg ‖ receiveId, PKCS#7-padded to a 32-byte block
 *   (pad value 1..32; Node's built-in padding assumes 16, so auto padding is off and we pad/unpad here).
 * - signature = sha1(sort([token, timestamp, nonce, encrypt]).join('')), lowercase hex, compared in constant time.
 *
 * Pure: no I/O, no clock. Every failure is a {@link WecomCryptoError} with a stable `code`, the official
 * −400xx library code as `wecomCode`, and an HTTP status (401 for a bad signature, 400 for the rest).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import { constantTimeEqual } from './constant-time.js';

export type WecomCryptoErrorCode =
  | 'bad_signature'
  | 'bad_base64'
  | 'bad_ciphertext'
  | 'bad_padding'
  | 'bad_length'
  | 'receive_id_mismatch'
  | 'bad_aes_key';

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

/** A WeCom crypto failure. Messages never contain key material or plaintext. */
export class WecomCryptoError extends AppError {
  override readonly code: WecomCryptoErrorCode;
  /** The official WXBizMsgCrypt error code (−40001 …). */
  readonly wecomCode: number;

  constructor(code: WecomCryptoErrorCode, message: string) {
    super(code, message, { status: code === 'bad_signature' ? 401 : 400, expose: code !== 'bad_signature' });
    this.code = code;
    this.wecomCode = WECOM_CRYPTO_CODES[code];
  }
}

export const WECOM_BLOCK_SIZE = 32;
const RANDOM_PREFIX = 16;
const LENGTH_FIELD = 4;
const HEADER = RANDOM_PREFIX + LENGTH_FIELD;
const ENCODING_AES_KEY_RE = /^[A-Za-z0-9+/]{43}$/;

/** Decodes a 43-character EncodingAESKey into the 32-byte AES key. */
export function decodeEncodingAesKey(encodingAesKey: string): Buffer {
  if (!ENCODING_AES_KEY_RE.test(encodingAesKey)) {
    throw new WecomCryptoError('bad_aes_key', 'EncodingAESKey must be 43 characters of base64 (A–Z, a–z, 0–9, +, /)');
  }
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WecomCryptoError('bad_aes_key', 'EncodingAESKey does not decode to 32 bytes');
  return key;
}

/**
 * Strict base64: Node's decoder silently skips junk, which would let two different strings decrypt the same.
 * A string is accepted only when it is exactly the canonical encoding of what it decodes to (one native encode:
 * several times cheaper than a regex over a kilobyte of ciphertext on the ingress hot path).
 */
export function decodeBase64Strict(value: string): Buffer {
  if (value.length === 0 || value.length % 4 !== 0) throw new WecomCryptoError('bad_base64', 'Encrypted payload is not valid base64');
  const decoded = Buffer.from(value, 'base64');
  if (decoded.toString('base64') !== value) throw new WecomCryptoError('bad_base64', 'Encrypted payload is not valid base64');
  return decoded;
}

/** sha1 over the sorted parts, lowercase hex. */
export function computeWecomSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  const parts = [token, timestamp, nonce, encrypt].sort();
  return createHash('sha1').update(parts.join(''), 'utf8').digest('hex');
}

/** Throws `bad_signature` unless `signature` matches; constant time, case-sensitive (WeCom sends lowercase). */
export function verifyWecomSignature(
  token: string,
  signature: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
): void {
  const expected = computeWecomSignature(token, timestamp, nonce, encrypt);
  if (!constantTimeEqual(expected, signature)) {
    throw new WecomCryptoError('bad_signature', 'Signature does not match');
  }
}

export function pkcs7Pad(data: Buffer, blockSize = WECOM_BLOCK_SIZE): Buffer {
  const pad = blockSize - (data.length % blockSize);
  return Buffer.concat([data, Buffer.alloc(pad, pad)]);
}

/** Removes WeCom's 32-byte PKCS#7 padding; every pad byte is checked. */
export function pkcs7Unpad(data: Buffer, blockSize = WECOM_BLOCK_SIZE): Buffer {
  const pad = data.length > 0 ? data[data.length - 1]! : 0;
  if (pad < 1 || pad > blockSize || pad > data.length) {
    throw new WecomCryptoError('bad_padding', 'Decrypted payload has invalid padding');
  }
  let bad = 0;
  for (let i = data.length - pad; i < data.length; i++) bad |= data[i]! ^ pad;
  if (bad !== 0) throw new WecomCryptoError('bad_padding', 'Decrypted payload has invalid padding');
  return data.subarray(0, data.length - pad);
}

function aesDecryptRaw(key: Buffer, ciphertext: Buffer): Buffer {
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    throw new WecomCryptoError('bad_ciphertext', 'Ciphertext length is not a multiple of the AES block size');
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

export interface WecomCryptoOptions {
  /** The callback Token. */
  token: string;
  /** The 43-character EncodingAESKey. */
  encodingAesKey: string;
  /** CorpID for self-built apps, suite id for third-party suites, '' for the smart bot. */
  receiveId: string;
}

export interface EncryptedReply {
  encrypt: string;
  signature: string;
  timestamp: string;
  nonce: string;
}

/**
 * One bot's crypto. Cheap to construct (one base64 decode), so adapters may build one per request.
 */
export class WecomCrypto {
  private readonly key: Buffer;
  private readonly token: string;
  private readonly receiveId: Buffer;

  constructor(opts: WecomCryptoOptions) {
    this.key = decodeEncodingAesKey(opts.encodingAesKey);
    this.token = opts.token;
    this.receiveId = Buffer.from(opts.receiveId, 'utf8');
  }

  signature(timestamp: string, nonce: string, encrypt: string): string {
    return computeWecomSignature(this.token, timestamp, nonce, encrypt);
  }

  /** Throws `bad_signature` unless the signature is right. */
  verify(signature: string, timestamp: string, nonce: string, encrypt: string): void {
    verifyWecomSignature(this.token, signature, timestamp, nonce, encrypt);
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
    const plain = pkcs7Unpad(aesDecryptRaw(this.key, decodeBase64Strict(encrypt)));
    if (plain.length < HEADER) throw new WecomCryptoError('bad_length', 'Decrypted payload is shorter than its header');
    const msgLen = plain.readUInt32BE(RANDOM_PREFIX);
    if (msgLen > plain.length - HEADER) {
      throw new WecomCryptoError('bad_length', 'Message length field is out of range');
    }
    const msg = plain.subarray(HEADER, HEADER + msgLen);
    const receiveId = plain.subarray(HEADER + msgLen);
    if (receiveId.length !== this.receiveId.length || !constantTimeEqual(receiveId, this.receiveId)) {
      throw new WecomCryptoError('receive_id_mismatch', 'Message was encrypted for another receiver');
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

  /** Encrypts and signs a passive reply (app XML or smart-bot JSON). */
  encryptReply(message: string, timestamp: string, nonce: string): EncryptedReply {
    const encrypt = this.encrypt(message);
    return { encrypt, signature: this.signature(timestamp, nonce, encrypt), timestamp, nonce };
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
  return pkcs7Unpad(aesDecryptRaw(key, data));
}

/** The inverse of {@link decryptWecomMedia}, for fakes and tests. */
export function encryptWecomMedia(key: Buffer, data: Buffer): Buffer {
  if (key.length !== 32) throw new WecomCryptoError('bad_aes_key', 'AES key must be 32 bytes');
  return aesEncryptRaw(key, pkcs7Pad(data));
}
