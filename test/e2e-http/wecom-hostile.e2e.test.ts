/**
 * Hostile WeCom callbacks through the real route. Each gets the status the adapter documents (decode.ts, verify.ts,
 * wecom-crypto.ts) with the standard `{error: {code, message}}` body and no stack trace; none of them stores a
 * message or calls Dify; and the server keeps serving (health check, and a valid message still gets its reply).
 */
import { createCipheriv } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeDify } from '../fakes/fake-dify.js';
import { startFakeWecom, type FakeWecom } from '../fakes/fake-wecom.js';
import { innerXml, wecomCallbacks, type BuiltCallback } from '../fakes/fake-wecom-callbacks.js';
import { startE2E, type E2E } from '../support/e2e.js';
import { APP, appCallbacks, errorBody, rawRequest, sendCallback, settle, waitFor, wecomSecrets, wecomYaml, type RawResponse } from './wecom-support.js';

const cdata = (v: string) => `<![CDATA[${v}]]>`;
const envelope = (encrypt: string) =>
  `<xml><ToUserName>${cdata(APP.corpId)}</ToUserName><AgentID>${cdata(APP.agentId)}</AgentID><Encrypt>${cdata(encrypt)}</Encrypt></xml>`;
/** A correctly signed request (current timestamp) for an arbitrary `<Encrypt>` value. */
function signed(encrypt: string, body = envelope(encrypt)): BuiltCallback {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = '424242';
  const query = { msg_signature: appCallbacks.appCrypto.signature(timestamp, nonce, encrypt), timestamp, nonce };
  return { method: 'POST', query, search: new URLSearchParams(query).toString(), rawBody: Buffer.from(body), contentType: 'text/xml', signedAt: Date.now() };
}
const inner = (fields: Record<string, string | number>) =>
  innerXml({ ToUserName: APP.corpId, FromUserName: 'mallory', CreateTime: Math.floor(Date.now() / 1000), MsgType: 'text', Content: 'x', MsgId: 1, AgentID: APP.agentId, ...fields });

describe('WeCom hostile callbacks through /hooks/wecom', () => {
  let dify: FakeDify;
  let wecom: FakeWecom;
  let e2e: E2E;
  let validSeq = 0;

  beforeAll(async () => {
    dify = await FakeDify.start({ mode: 'chat', chunks: 2 });
    wecom = await startFakeWecom({ corpId: APP.corpId, secret: APP.secret, agentId: APP.agentId });
    e2e = await startE2E({ yaml: wecomYaml(), secrets: wecomSecrets(dify), env: { WECOM_API_BASE: wecom.url } });
  });
  afterAll(async () => {
    await e2e?.close();
    await wecom?.close();
    await dify?.close();
  });

  const messages = () => e2e.t.runtime.database.db.message.count();
  const verificationFailures = async (reason: string) => {
    const metric = await e2e.t.runtime.metrics.verificationFailures.get();
    return metric.values.find((v) => v.labels.platform === 'wecom' && v.labels.reason === reason)?.value ?? 0;
  };
  const post = (built: BuiltCallback, body?: Buffer | string) => sendCallback(e2e.web.url, APP.botId, built, body === undefined ? {} : { body });

  /** Runs one hostile request: the status and error code, nothing stored, no Dify call. */
  async function rejects(send: () => Promise<RawResponse>, status: number, code: string | RegExp): Promise<RawResponse> {
    const before = await messages();
    const runsBefore = dify.requests.length;
    const reasonsBefore = status === 401 ? await verificationFailures(code as string) : 0;
    const res = await send();
    expect(res.status).toBe(status);
    expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    const err = errorBody(res);
    if (status === 401) {
      // Authentication failures are opaque to the caller; the precise reason is the metric's (and the log's).
      expect(err).toEqual({ code: 'unauthorized', message: 'unauthorized' });
      expect(await verificationFailures(code as string)).toBe(reasonsBefore + 1);
    } else if (typeof code === 'string') expect(err.code).toBe(code);
    else expect(err.code).toMatch(code);
    await settle(150);
    expect(await messages()).toBe(before);
    expect(dify.requests.length).toBe(runsBefore);
    return res;
  }

  // After every hostile request: the process still serves, and a valid message still gets its one reply.
  afterEach(async () => {
    expect((await rawRequest(e2e.web.url, 'GET', '/healthz')).status).toBe(200);
    const query = `valid after hostile #${++validSeq}`;
    const res = await post(appCallbacks.appMessage({ MsgType: 'text', Content: query, MsgId: String(7500000000000000000n + BigInt(validSeq)) }));
    expect(res.status).toBe(200);
    await waitFor(() => wecom.sentMessages().some((m) => JSON.stringify(m).includes(query)), 8_000, `the reply to "${query}"`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('bad signature → 401 bad_signature', async () => {
    const built = appCallbacks.appMessage({ MsgType: 'text', Content: 'forged', MsgId: '1' });
    const search = built.search.replace(/msg_signature=[0-9a-f]+/, `msg_signature=${'0'.repeat(40)}`);
    expect(search).not.toBe(built.search);
    await rejects(() => sendCallback(e2e.web.url, APP.botId, built, { search }), 401, 'bad_signature');
  });

  it('a tampered body under a valid signature → 401 (the signature covers <Encrypt>)', async () => {
    const built = appCallbacks.appMessage({ MsgType: 'text', Content: 'original', MsgId: '2' });
    const other = appCallbacks.appMessage({ MsgType: 'text', Content: 'swapped', MsgId: '3' });
    await rejects(() => post(built, other.rawBody), 401, 'bad_signature');
  });

  it('5 MB body → 413 payload_too_large, declared or chunked', async () => {
    const built = appCallbacks.appMessage({ MsgType: 'text', Content: 'big', MsgId: '4' });
    const big = Buffer.concat([Buffer.from('<xml><Encrypt>'), Buffer.alloc(5 * 1024 * 1024, 0x41), Buffer.from('</Encrypt></xml>')]);
    const res = await rejects(() => post(built, big), 413, 'payload_too_large');
    expect(res.headers.connection).toBe('close');
    // Without Content-Length (chunked): cut while reading, never buffered whole.
    await rejects(
      () =>
        new Promise<RawResponse>((resolve, reject) => {
          void import('node:http').then(({ request }) => {
            const req = request(new URL(`/hooks/wecom/${APP.botId}?${built.search}`, e2e.web.url), { method: 'POST', headers: { 'content-type': 'text/xml', 'transfer-encoding': 'chunked' }, agent: false }, (r) => {
              const chunks: Buffer[] = [];
              r.on('data', (c: Buffer) => chunks.push(c));
              r.on('end', () => {
                const body = Buffer.concat(chunks);
                resolve({ status: r.statusCode ?? 0, headers: r.headers, body, text: body.toString('utf8') });
              });
            });
            req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
            const piece = Buffer.alloc(256 * 1024, 0x41);
            let sent = 0;
            const pump = () => {
              while (sent < 5 * 1024 * 1024 && !req.destroyed) {
                sent += piece.length;
                if (!req.write(piece)) return void req.once('drain', pump);
              }
              req.end();
            };
            pump();
          });
        }),
      413,
      'payload_too_large',
    );
  });

  it('DOCTYPE / entity bomb: outside the encryption → 400 bad_xml before any crypto; inside (signed) → 400 bad_xml', async () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><ToUserName>&lol3;</ToUserName><Encrypt>AAAA</Encrypt></xml>';
    await rejects(() => post(appCallbacks.appMessage({ MsgType: 'text', Content: 'x', MsgId: '5' }), bomb), 400, 'bad_xml');
    const innerBomb = appCallbacks.appXml(
      '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + inner({ Content: '&b;' }),
    );
    await rejects(() => post(innerBomb), 400, 'bad_xml');
    const external = appCallbacks.appXml(`<!DOCTYPE xml SYSTEM "file:///etc/passwd">${inner({ Content: 'x' })}`);
    await rejects(() => post(external), 400, 'bad_xml');
  });

  it('10,000 nested tags: inside (signed) → 400 bad_xml (depth cap); outside → 400 missing_encrypt, or 401 with a forged <Encrypt>', async () => {
    const deep = `${'<a>'.repeat(10_000)}x${'</a>'.repeat(10_000)}`;
    await rejects(() => post(appCallbacks.appXml(inner({ Content: 'PLACEHOLDER' }).replace(`<Content>${cdata('PLACEHOLDER')}</Content>`, `<Content>${deep}</Content>`))), 400, 'bad_xml');
    const some = appCallbacks.appMessage({ MsgType: 'text', Content: 'x', MsgId: '6' });
    await rejects(() => post(some, `<xml>${deep}</xml>`), 400, 'missing_encrypt');
    await rejects(() => post(some, `<xml>${deep}<Encrypt>${Buffer.alloc(64).toString('base64')}</Encrypt></xml>`), 401, 'bad_signature');
  });

  it('__proto__ / constructor tags: outside → 401 (never parsed into objects); inside (signed) → 400, and nothing is polluted', async () => {
    const some = appCallbacks.appMessage({ MsgType: 'text', Content: 'x', MsgId: '7' });
    await rejects(() => post(some, `<xml><__proto__><polluted>1</polluted></__proto__><Encrypt>${Buffer.alloc(64).toString('base64')}</Encrypt></xml>`), 401, 'bad_signature');
    const protoInside = `<xml><ToUserName>${APP.corpId}</ToUserName><__proto__><polluted>yes</polluted></__proto__><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>proto</Content><MsgId>8</MsgId></xml>`;
    const ctorInside = `<xml><ToUserName>${APP.corpId}</ToUserName><constructor><prototype><polluted>yes</polluted></prototype></constructor><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>ctor</Content><MsgId>9</MsgId></xml>`;
    for (const xml of [protoInside, ctorInside]) {
      await rejects(() => post(appCallbacks.appXml(xml)), 400, 'bad_xml'); // fast-xml-parser refuses the reserved names
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    }
  });

  it('bad padding: a correctly signed ciphertext whose padding is wrong → 400 bad_padding', async () => {
    const key = Buffer.from(`${APP.encodingAesKey}=`, 'base64');
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    cipher.setAutoPadding(false);
    // 64 bytes of 'a' (0x61): the last byte says "97 bytes of padding" in a 32-byte block scheme.
    const encrypt = Buffer.concat([cipher.update(Buffer.alloc(64, 0x61)), cipher.final()]).toString('base64');
    await rejects(() => post(signed(encrypt)), 400, 'bad_padding');
    // Padding value in range but the pad bytes disagree (…0x05 0x05 0x04 0x05 0x05).
    const plain = Buffer.alloc(64, 0x61);
    plain.fill(5, 59);
    plain[61] = 4;
    const c2 = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    c2.setAutoPadding(false);
    await rejects(() => post(signed(Buffer.concat([c2.update(plain), c2.final()]).toString('base64'))), 400, 'bad_padding');
  });

  it('wrong corp: encrypted for another receiveId → 400 receive_id_mismatch; ToUserName of another corp (inner or outer) → 400 corp_mismatch', async () => {
    const other = wecomCallbacks({ token: APP.token, encodingAesKey: APP.encodingAesKey, corpId: 'wwothercorp', agentId: APP.agentId });
    await rejects(() => post(other.appMessage({ MsgType: 'text', Content: 'x', MsgId: '10' })), 400, 'receive_id_mismatch');
    await rejects(() => post(appCallbacks.appXml(inner({ ToUserName: 'wwothercorp', MsgId: 11 }))), 400, 'corp_mismatch');
    await rejects(() => post(appCallbacks.appXml(inner({ MsgId: 12 }), { outerToUser: 'wwothercorp' })), 400, 'corp_mismatch');
    await rejects(() => post(appCallbacks.appXml(inner({ MsgId: 13, AgentID: '999' }))), 400, 'agent_mismatch');
  });

  it('a stale timestamp (correctly signed 20 minutes ago) → 401 stale_timestamp', async () => {
    const old = appCallbacks.appMessage({ MsgType: 'text', Content: 'replayed', MsgId: '14' }, { now: Date.now() - 20 * 60_000 });
    await rejects(() => post(old), 401, 'stale_timestamp');
  });

  it('missing signature parameters, unknown bot, wrong method', async () => {
    const built = appCallbacks.appMessage({ MsgType: 'text', Content: 'x', MsgId: '15' });
    await rejects(() => sendCallback(e2e.web.url, APP.botId, built, { search: 'timestamp=1&nonce=2' }), 400, 'missing_signature_params');
    await rejects(() => sendCallback(e2e.web.url, 'no-such-bot', built), 404, 'unknown_bot');
    await rejects(() => rawRequest(e2e.web.url, 'PUT', `/hooks/wecom/${APP.botId}?${built.search}`, built.rawBody), 405, 'method_not_allowed');
  });
});
