/**
 * Builds **real** DingTalk callbacks for tests and benchmarks: robot messages (the JSON of the fixtures, signed with
 * the `timestamp` / `sign` headers), encrypted event callbacks (`{"encrypt"}` with the signed query), and Stream
 * frames; and decrypts the adapter's encrypted answers.
 *
 *   const cb = dingtalkCallbacks({ clientSecret, token, encodingAesKey, ownerKey });
 *   cb.robot(cb.message('robot-text-group', { msgId: 'm1', text: { content: 'hi' } }))  → { headers, rawBody, … }
 *   cb.event({ EventType: 'check_url' })                                                 → { search, query, rawBody }
 *   cb.decryptAnswer(body)    → the plaintext of an encrypted answer (signature checked)
 *   cb.inbound(built)         → an InboundRequest for adapter.ingest
 */
import { readFileSync } from 'node:fs';
import { DingtalkCrypto } from '../../src/crypto/dingtalk-crypto.js';
import { robotSign } from '../../src/adapters/dingtalk/verify.js';
import type { InboundRequest } from '../../src/adapters/types.js';

export type RobotFixture =
  | 'robot-text-group'
  | 'robot-text-single'
  | 'robot-text-external'
  | 'robot-richtext'
  | 'robot-picture'
  | 'robot-file'
  | 'robot-audio'
  | 'robot-video'
  | 'robot-unknown';

const fixtureDir = new URL('../fixtures/dingtalk/', import.meta.url);

export function dingtalkFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`${name}.json`, fixtureDir), 'utf8')) as T;
}

export const OFFICIAL_CHECK_URL = dingtalkFixture<{
  token: string;
  encodingAesKey: string;
  ownerKey: string;
  msgSignature: string;
  timeStamp: string;
  nonce: string;
  encrypt: string;
  plaintext: string;
}>('official-check-url');

export interface DingtalkKeys {
  clientSecret: string;
  token?: string;
  encodingAesKey?: string;
  ownerKey?: string;
}

export interface BuiltDingtalkCallback {
  method: 'POST';
  query: Record<string, string>;
  search: string;
  headers: Record<string, string>;
  rawBody: Buffer;
  signedAt: number;
}

let nonceCounter = 0;

export function dingtalkCallbacks(keys: DingtalkKeys) {
  const crypto = keys.token && keys.encodingAesKey ? new DingtalkCrypto({ token: keys.token, encodingAesKey: keys.encodingAesKey, ownerKey: keys.ownerKey ?? '' }) : undefined;

  return {
    /** A fixture with overrides (shallow), its sessionWebhook valid for 90 minutes from `now`. */
    message(name: RobotFixture, overrides: Record<string, unknown> = {}, now = Date.now()): Record<string, unknown> {
      return { ...dingtalkFixture(name), createAt: now, sessionWebhookExpiredTime: now + 90 * 60_000, ...overrides };
    },

    /** A robot HTTP callback: the JSON body with `timestamp` and `sign` headers. */
    robot(body: Record<string, unknown> | string, opts: { now?: number; secret?: string } = {}): BuiltDingtalkCallback {
      const signedAt = opts.now ?? Date.now();
      const timestamp = String(signedAt);
      return {
        method: 'POST',
        query: {},
        search: '',
        headers: { 'content-type': 'application/json; charset=utf-8', timestamp, sign: robotSign(timestamp, opts.secret ?? keys.clientSecret) },
        rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
        signedAt,
      };
    },

    /** An encrypted event callback: `{"encrypt"}` with msg_signature, timestamp (ms) and nonce in the query. */
    event(event: Record<string, unknown> | string, opts: { now?: number } = {}): BuiltDingtalkCallback {
      if (!crypto) throw new Error('dingtalkCallbacks: token and encodingAesKey are needed for events');
      const signedAt = opts.now ?? Date.now();
      const nonce = `n${(++nonceCounter).toString(36)}x${signedAt.toString(36)}`.slice(0, 16);
      const r = crypto.encryptReply(typeof event === 'string' ? event : JSON.stringify(event), String(signedAt), nonce);
      const query = { msg_signature: r.signature, timestamp: r.timestamp, nonce: r.nonce };
      return {
        method: 'POST',
        query,
        search: new URLSearchParams(query).toString(),
        headers: { 'content-type': 'application/json' },
        rawBody: Buffer.from(JSON.stringify({ encrypt: r.encrypt })),
        signedAt,
      };
    },

    /** The plaintext of an encrypted answer `{msg_signature, timeStamp, nonce, encrypt}`; throws on a bad signature. */
    decryptAnswer(body: string | Record<string, unknown>): string {
      if (!crypto) throw new Error('dingtalkCallbacks: token and encodingAesKey are needed to decrypt');
      const a = (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, string>;
      return crypto.verifyAndDecrypt(a.msg_signature!, a.timeStamp!, a.nonce!, a.encrypt!);
    },

    inbound(built: BuiltDingtalkCallback, receivedAt = built.signedAt): InboundRequest {
      return { method: built.method, subPath: '', query: built.query, headers: { ...built.headers }, rawBody: built.rawBody, receivedAt };
    },
  };
}

/** A Stream CALLBACK frame carrying a robot message. */
export function robotFrame(message: Record<string, unknown>, messageId: string): Record<string, unknown> {
  return {
    specVersion: '1.0',
    type: 'CALLBACK',
    headers: { appId: 'fake-app', connectionId: 'fake-conn', contentType: 'application/json', messageId, time: String(Date.now()), topic: '/v1.0/im/bot/messages/get' },
    data: JSON.stringify(message),
  };
}
