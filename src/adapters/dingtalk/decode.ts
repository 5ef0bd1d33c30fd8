/**
 * Step 3 of the hot path for DingTalk callbacks: bytes → JSON objects. Pure. Robot callbacks are plain JSON
 * (authenticated by the sign header before parsing); event callbacks are `{"encrypt": "…"}` around an encrypted
 * JSON object; Stream mode frames are JSON whose `data` is a JSON string.
 */
import type { DingtalkCrypto } from '../../crypto/dingtalk-crypto.js';
import { DingtalkDecodeError, fromCryptoError } from './errors.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a JSON object; anything else is a 400 naming `what`. */
export function parseJsonObject(text: string | Buffer, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof text === 'string' ? text : text.toString('utf8'));
  } catch (err) {
    throw new DingtalkDecodeError('bad_json', `${what} is not JSON`, { cause: err });
  }
  if (!isRecord(parsed)) throw new DingtalkDecodeError('bad_json', `${what} is not a JSON object`);
  return parsed;
}

const MAX_ENCRYPT_CHARS = 1_500_000;

/** The `encrypt` field of an event callback body. */
export function parseEventEnvelope(raw: Buffer): { encrypt: string } {
  const body = parseJsonObject(raw, 'Event callback body');
  const encrypt = body.encrypt;
  if (typeof encrypt !== 'string' || encrypt.length === 0) throw new DingtalkDecodeError('missing_encrypt', 'Event callback body has no encrypt field');
  if (encrypt.length > MAX_ENCRYPT_CHARS) throw new DingtalkDecodeError('bad_encrypt', 'encrypt field is too long');
  return { encrypt };
}

/** Decrypts an event's `encrypt` (signature already verified) into its JSON object. */
export function decryptEvent(crypto: DingtalkCrypto, encrypt: string): Record<string, unknown> {
  let plain: string;
  try {
    plain = crypto.decrypt(encrypt);
  } catch (err) {
    throw fromCryptoError(err);
  }
  return parseJsonObject(plain, 'Decrypted event');
}

export type StreamFrameType = 'SYSTEM' | 'EVENT' | 'CALLBACK';

/** A downstream Stream mode frame. */
export interface StreamFrame {
  specVersion?: string;
  type: StreamFrameType;
  headers: Record<string, string> & { topic: string; messageId: string };
  /** The payload as DingTalk sent it: a JSON string. */
  data: string;
}

/** Parses one WebSocket text frame of the Stream gateway. */
export function parseStreamFrame(text: string): StreamFrame {
  const frame = parseJsonObject(text, 'Stream frame');
  const type = frame.type;
  if (type !== 'SYSTEM' && type !== 'EVENT' && type !== 'CALLBACK') throw new DingtalkDecodeError('bad_frame', 'Stream frame has an unknown type');
  const rawHeaders = isRecord(frame.headers) ? frame.headers : {};
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawHeaders)) if (typeof v === 'string' || typeof v === 'number') headers[k] = String(v);
  if (!headers.topic) throw new DingtalkDecodeError('bad_frame', 'Stream frame has no topic');
  if (!headers.messageId) throw new DingtalkDecodeError('bad_frame', 'Stream frame has no messageId');
  const data = typeof frame.data === 'string' ? frame.data : frame.data === undefined || frame.data === null ? '' : JSON.stringify(frame.data);
  return {
    ...(typeof frame.specVersion === 'string' ? { specVersion: frame.specVersion } : {}),
    type,
    headers: headers as StreamFrame['headers'],
    data,
  };
}
