/**
 * Builds **real** encrypted WeCom callbacks (correct AES payloads and signatures) for tests and benchmarks, and
 * decrypts the adapter's encrypted answers.
 *
 *   const cb = wecomCallbacks({ token, encodingAesKey, corpId: 'ww1', agentId: '1000002' });
 *   cb.urlCheck('hello')                 → { method: 'GET', query, rawBody }   (echostr encrypts 'hello')
 *   cb.appMessage({ MsgType: 'text', Content: 'hi', MsgId: '1234' })
 *                                         → { method: 'POST', query, rawBody }  (outer XML with <Encrypt>)
 *   cb.appXml('<xml>…</xml>')            → the same for a hand-written inner XML (hostile inputs)
 *   cb.smartBot({ msgtype: 'text', … })   → { method: 'POST', query, rawBody }  (JSON {"encrypt": …}, receiveId '')
 *   cb.inbound(built, receivedAt?)        → an InboundRequest for adapter.ingest
 *   cb.decryptJsonReply(body)             → the plaintext object of an encrypted smart-bot answer (signature checked)
 *   cb.decryptXmlReply(xml)               → the plaintext XML of an encrypted app passive reply (signature checked)
 *
 * `query` is URL-decoded (as the server hands it to adapters); `search` is the encoded query string for HTTP.
 * Signed timestamps come from `now` (ms, default Date.now()).
 */
import { WecomCrypto } from '../../src/crypto/wecom-crypto.js';
import type { InboundRequest } from '../../src/adapters/types.js';

export interface CallbackKeys {
  token: string;
  encodingAesKey: string;
  /** App mode: the CorpID (receiveId). */
  corpId?: string;
  agentId?: string;
  /** Smart bot: aibotid put in generated payloads. */
  aibotId?: string;
}

export interface BuiltCallback {
  method: 'GET' | 'POST';
  query: Record<string, string>;
  /** Encoded query string (without '?'), for real HTTP requests. */
  search: string;
  rawBody: Buffer;
  contentType?: string;
  /** The signed timestamp, in ms. */
  signedAt: number;
}

let nonceCounter = 0;

function esc(v: string): string {
  return `<![CDATA[${v.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** `<xml>` from a flat field map; numeric-looking fields (CreateTime, MsgId, AgentID) are written bare. */
export function innerXml(fields: Record<string, string | number>): string {
  const bare = new Set(['CreateTime', 'MsgId', 'AgentID', 'Location_X', 'Location_Y', 'Scale']);
  const body = Object.entries(fields)
    .map(([k, v]) => `<${k}>${bare.has(k) ? String(v) : esc(String(v))}</${k}>`)
    .join('');
  return `<xml>${body}</xml>`;
}

export function wecomCallbacks(keys: CallbackKeys) {
  const appCrypto = new WecomCrypto({ token: keys.token, encodingAesKey: keys.encodingAesKey, receiveId: keys.corpId ?? '' });
  const botCrypto = new WecomCrypto({ token: keys.token, encodingAesKey: keys.encodingAesKey, receiveId: '' });

  function signedQuery(crypto: WecomCrypto, encrypt: string, now: number, extra: Record<string, string> = {}) {
    const timestamp = String(Math.floor(now / 1000));
    const nonce = String(100000 + (nonceCounter++ % 900000));
    const query = { msg_signature: crypto.signature(timestamp, nonce, encrypt), timestamp, nonce, ...extra };
    return { query, search: new URLSearchParams(query).toString() };
  }

  return {
    appCrypto,
    botCrypto,

    /** GET URL verification whose echostr decrypts to `plaintext`. */
    urlCheck(plaintext: string, opts: { smartBot?: boolean; now?: number } = {}): BuiltCallback {
      const crypto = opts.smartBot ? botCrypto : appCrypto;
      const now = opts.now ?? Date.now();
      const echostr = crypto.encrypt(plaintext);
      const { query, search } = signedQuery(crypto, echostr, now, { echostr });
      return { method: 'GET', query, search, rawBody: Buffer.alloc(0), signedAt: now };
    },

    /** POST with an encrypted inner XML (hand-written). */
    appXml(xml: string, opts: { now?: number; outerToUser?: string; outerAgentId?: string } = {}): BuiltCallback {
      const now = opts.now ?? Date.now();
      const encrypt = appCrypto.encrypt(xml);
      const { query, search } = signedQuery(appCrypto, encrypt, now);
      const outer =
        `<xml><ToUserName>${esc(opts.outerToUser ?? keys.corpId ?? '')}</ToUserName>` +
        `<AgentID>${esc(opts.outerAgentId ?? keys.agentId ?? '')}</AgentID><Encrypt>${esc(encrypt)}</Encrypt></xml>`;
      return { method: 'POST', query, search, rawBody: Buffer.from(outer), contentType: 'text/xml', signedAt: now };
    },

    /** POST with an app message built from fields; ToUserName/FromUserName/CreateTime/AgentID filled in. */
    appMessage(fields: Record<string, string | number>, opts: { now?: number } = {}): BuiltCallback {
      const now = opts.now ?? Date.now();
      const full: Record<string, string | number> = {
        ToUserName: keys.corpId ?? '',
        FromUserName: 'zhangsan',
        CreateTime: Math.floor(now / 1000),
        ...fields,
      };
      if (full.AgentID === undefined && keys.agentId) full.AgentID = keys.agentId;
      return this.appXml(innerXml(full), { now });
    },

    /** POST smart-bot callback with the JSON message encrypted (receiveId ''). */
    smartBot(message: Record<string, unknown>, opts: { now?: number } = {}): BuiltCallback {
      const now = opts.now ?? Date.now();
      const payload = { aibotid: keys.aibotId ?? 'AIBOTID', ...message };
      const encrypt = botCrypto.encrypt(JSON.stringify(payload));
      const { query, search } = signedQuery(botCrypto, encrypt, now);
      return {
        method: 'POST',
        query,
        search,
        rawBody: Buffer.from(JSON.stringify({ encrypt })),
        contentType: 'application/json',
        signedAt: now,
      };
    },

    inbound(built: BuiltCallback, receivedAt: number = built.signedAt): InboundRequest {
      return {
        method: built.method,
        subPath: '',
        query: { ...built.query },
        headers: built.contentType ? { 'content-type': built.contentType } : {},
        rawBody: built.rawBody,
        receivedAt,
      };
    },

    /** Decrypts an encrypted smart-bot answer `{encrypt, msgsignature, timestamp, nonce}`, checking its signature. */
    decryptJsonReply(body: unknown): Record<string, unknown> {
      const b = (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, string>;
      const plain = botCrypto.verifyAndDecrypt(b.msgsignature!, b.timestamp!, b.nonce!, b.encrypt!);
      return JSON.parse(plain) as Record<string, unknown>;
    },

    /** Decrypts an app passive reply XML, checking its signature; returns the inner XML. */
    decryptXmlReply(xml: string): string {
      const pick = (tag: string) => {
        const m = new RegExp(`<${tag}>(?:<!\\[CDATA\\[)?(.*?)(?:\\]\\]>)?</${tag}>`).exec(xml);
        if (!m) throw new Error(`no <${tag}> in reply`);
        return m[1]!;
      };
      return appCrypto.verifyAndDecrypt(pick('MsgSignature'), pick('TimeStamp'), pick('Nonce'), pick('Encrypt'));
    },
  };
}

export type WecomCallbackBuilder = ReturnType<typeof wecomCallbacks>;

/** A valid random EncodingAESKey (43 base64 characters). */
export function randomEncodingAesKey(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 43; i++) out += chars[Math.floor(Math.random() * chars.length)];
  return out;
}

/** The official public sample (WeCom's WXBizMsgCrypt samples). */
export const OFFICIAL_VECTOR = {
  token: 'QDG6eK',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  corpId: 'wx5823bf96d3bd56c7',
  msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  timestamp: '1409659589',
  nonce: '263014780',
  echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  answer: '1616140317555161061',
} as const;
