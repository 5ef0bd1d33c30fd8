import { describe, expect, it } from 'vitest';
import type { InboundRequest, IngressResult, NormalizedMessage } from '../../../../src/adapters/types.js';
import { createWecomAdapter } from '../../../../src/adapters/wecom/adapter.js';
import { WecomDecodeError, WecomVerifyError } from '../../../../src/adapters/wecom/errors.js';
import { appEventDedupeId, decodeAttachmentRef, encodeAttachmentRef } from '../../../../src/adapters/wecom/normalize.js';
import { parseInnerXml } from '../../../../src/adapters/wecom/decode.js';
import { AppError, BadRequestError, VerifyError } from '../../../../src/errors.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { createMemoryKeyValueStore } from '../../../../src/store/kv.js';
import { OFFICIAL_VECTOR as V, innerXml, wecomCallbacks } from '../../../fakes/fake-wecom-callbacks.js';
import { appBot, fixture, FIXTURE_AGENT, FIXTURE_CORP, TEST_KEY, TEST_TOKEN } from './helpers.js';

const adapter = createWecomAdapter({ logger: silentLogger, kv: createMemoryKeyValueStore() });
const cb = wecomCallbacks({ token: TEST_TOKEN, encodingAesKey: TEST_KEY, corpId: FIXTURE_CORP, agentId: FIXTURE_AGENT });

async function ingestError(req: InboundRequest, bot = appBot()): Promise<AppError> {
  try {
    await adapter.ingest(req, bot);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected ingest to throw');
}

function onlyMessage(r: IngressResult): NormalizedMessage {
  expect(r.kind).toBe('messages');
  if (r.kind !== 'messages') throw new Error('not messages');
  expect(r.messages).toHaveLength(1);
  expect(r.ack).toMatchObject({ status: 200, body: '' });
  return r.messages[0]!;
}

describe('app mode: URL verification', () => {
  const officialBot = appBot({
    credentials: { corpId: V.corpId, agentId: '1', secret: 's', token: V.token, encodingAesKey: V.encodingAesKey },
  });
  const officialReq = (receivedAt: number): InboundRequest => ({
    method: 'GET',
    subPath: '',
    query: { msg_signature: V.msgSignature, timestamp: V.timestamp, nonce: V.nonce, echostr: V.echostr },
    headers: {},
    rawBody: Buffer.alloc(0),
    receivedAt,
  });

  it('answers the official sample byte-exact as plain text', async () => {
    const r = await adapter.ingest(officialReq(Number(V.timestamp) * 1000 + 500), officialBot);
    expect(r).toEqual({ kind: 'answer', status: 200, body: '1616140317555161061', contentType: 'text/plain; charset=utf-8' });
  });

  it('rejects the official sample replayed years later (timestamp window) unless the window is disabled', async () => {
    const err = await ingestError(officialReq(Date.now()), officialBot);
    expect(err).toBeInstanceOf(VerifyError);
    expect(err.code).toBe('stale_timestamp');
    const lenient = { ...officialBot, settings: { timestampToleranceSec: 0 } };
    expect((await adapter.ingest(officialReq(Date.now()), lenient)).kind).toBe('answer');
  });

  it('answers a generated echostr (with + / = characters) exactly', async () => {
    const built = cb.urlCheck('echo-42 +/= 中文');
    const r = await adapter.ingest(cb.inbound(built), appBot());
    expect(r).toMatchObject({ kind: 'answer', body: 'echo-42 +/= 中文' });
  });

  it('bad signature → 401 VerifyError, missing params → 400', async () => {
    const built = cb.urlCheck('x');
    const err = await ingestError({ ...cb.inbound(built), query: { ...built.query, msg_signature: 'f'.repeat(40) } });
    expect(err).toBeInstanceOf(WecomVerifyError);
    expect(err.status).toBe(401);
    expect(err.expose).toBe(false);
    const missing = await ingestError({ ...cb.inbound(built), query: { timestamp: '1', nonce: '2', echostr: 'x' } });
    expect(missing).toBeInstanceOf(BadRequestError);
    expect(missing.status).toBe(400);
  });
});

describe('app mode: every message type', () => {
  const ingestFixture = async (name: string) => adapter.ingest(cb.inbound(cb.appXml(fixture(name))), appBot());

  it('text: exact 64-bit MsgId, content with markup and emoji untouched, direct conversation', async () => {
    const m = onlyMessage(await ingestFixture('app-text.xml'));
    expect(m.id).toBe('9223372036854775807');
    expect(m.text).toBe("你好 👋, what's the <status> & plan?");
    expect(m).toMatchObject({
      platform: 'wecom',
      tenantId: 'tenant-1',
      botId: 'bot-app-1',
      conversation: { id: 'zhangsan', type: 'direct' },
      sender: { id: 'zhangsan' },
      mentionsBot: true,
      attachments: [],
      replyTarget: { mode: 'app', toUser: 'zhangsan', agentId: FIXTURE_AGENT, msgId: '9223372036854775807' },
    });
    expect(new Date(m.receivedAt).toISOString()).toBe(m.receivedAt);
  });

  it('image / voice / video / file become attachments with media refs', async () => {
    const image = onlyMessage(await ingestFixture('app-image.xml'));
    expect(image.attachments).toEqual([
      { kind: 'image', ref: 'media:1Yv-zXfHjSjU-7LH-GwtYqDGS-zz6w22KmWAT5COgP7o', mime: 'image/jpeg' },
    ]);
    const voice = onlyMessage(await ingestFixture('app-voice.xml'));
    expect(voice.attachments).toEqual([{ kind: 'audio', ref: 'media:voice_media_id_fixture', mime: 'audio/amr' }]);
    const video = onlyMessage(await ingestFixture('app-video.xml'));
    expect(video.attachments[0]).toMatchObject({ kind: 'video', ref: 'media:video_media_id_fixture' });
    const file = onlyMessage(await ingestFixture('app-file.xml'));
    expect(file.attachments).toEqual([{ kind: 'file', ref: 'media:file_media_id_fixture', name: '季度报告.pdf' }]);
  });

  it('location and link become text', async () => {
    expect(onlyMessage(await ingestFixture('app-location.xml')).text).toBe('[location] 广州市海珠区 (23.134521, 113.358803)');
    expect(onlyMessage(await ingestFixture('app-link.xml')).text).toBe('Release notes\nWhat changed in 2.0\nhttps://example.com/notes');
  });

  it('events are ignored by default, with an empty 200 ack', async () => {
    for (const name of ['app-event-enter-agent.xml', 'app-event-subscribe.xml', 'app-event-unsubscribe.xml']) {
      const r = await ingestFixture(name);
      expect(r.kind).toBe('ignored');
      if (r.kind === 'ignored') expect(r.ack).toMatchObject({ status: 200, body: '' });
    }
  });

  it('enter_agent with greet answers an encrypted passive reply once a day per user', async () => {
    const bot = appBot({ id: 'greeter' }, { events: { enter_agent: 'greet' }, greeting: 'Welcome! ]]> 欢迎' });
    const first = await adapter.ingest(cb.inbound(cb.appXml(fixture('app-event-enter-agent.xml'))), bot);
    expect(first.kind).toBe('answer');
    if (first.kind !== 'answer') return;
    expect(first.contentType).toContain('xml');
    const inner = parseInnerXml(cb.decryptXmlReply(String(first.body)));
    expect(inner).toMatchObject({ ToUserName: 'zhangsan', FromUserName: FIXTURE_CORP, MsgType: 'text', Content: 'Welcome! ]]> 欢迎' });
    const again = await adapter.ingest(cb.inbound(cb.appXml(fixture('app-event-enter-agent.xml'))), bot);
    expect(again.kind).toBe('ignored');
  });

  it('unknown message types are ignored, not failed', async () => {
    const r = await adapter.ingest(cb.inbound(cb.appMessage({ MsgType: 'hologram', MsgId: '5' })), appBot());
    expect(r).toMatchObject({ kind: 'ignored', reason: 'unsupported msgtype hologram' });
  });

  it('event dedupe id is FromUserName + CreateTime + Event', () => {
    expect(appEventDedupeId({ FromUserName: 'u', CreateTime: '17', Event: 'enter_agent' })).toBe('ev:u:17:enter_agent');
  });

  it('attachment refs round-trip', () => {
    for (const ref of [
      { source: 'media', mediaId: 'abc-123' },
      { source: 'url', url: 'https://x/y?z=1:2' },
      { source: 'url', url: 'https://x/y', aesKey: 'k+/=' },
    ] as const) {
      expect(decodeAttachmentRef(encodeAttachmentRef(ref))).toEqual(ref);
    }
    expect(() => decodeAttachmentRef('nope')).toThrow(WecomDecodeError);
  });
});

describe('app mode: hostile inputs', () => {
  const post = (rawBody: string, built = cb.appMessage({ MsgType: 'text', Content: 'x', MsgId: '1' })): InboundRequest => ({
    ...cb.inbound(built),
    rawBody: Buffer.from(rawBody),
  });

  it('bad signature on POST → 401', async () => {
    const built = cb.appMessage({ MsgType: 'text', Content: 'x', MsgId: '1' });
    const err = await ingestError({ ...cb.inbound(built), query: { ...built.query, msg_signature: '0'.repeat(40) } });
    expect(err).toMatchObject({ code: 'bad_signature', status: 401 });
  });

  it('a body that is not a WeCom envelope → 400 before any crypto', async () => {
    for (const body of ['', 'hello', '{"encrypt":"x"}', '<xml><Encrypt>abc</Encrypt>', '<xml></xml>']) {
      const err = await ingestError(post(body));
      expect(err.status).toBe(400);
    }
  });

  it('DOCTYPE / entity bombs are rejected, outside and inside the encryption', async () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>' +
      '<xml><ToUserName>&lol2;</ToUserName><Encrypt>AAAA</Encrypt></xml>';
    expect(await ingestError(post(bomb))).toMatchObject({ code: 'bad_xml', status: 400 });
    const innerBomb = cb.appXml(
      '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' +
        `<xml><ToUserName>${FIXTURE_CORP}</ToUserName><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>&b;</Content><MsgId>1</MsgId></xml>`,
    );
    expect(await ingestError(cb.inbound(innerBomb))).toMatchObject({ code: 'bad_xml', status: 400 });
    const external = cb.appXml('<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml><MsgType>text</MsgType></xml>');
    expect(await ingestError(cb.inbound(external))).toMatchObject({ code: 'bad_xml', status: 400 });
  });

  it('10,000 nested tags: rejected inside (depth cap), harmless outside (the scanner does not recurse)', async () => {
    const deep = `${'<a>'.repeat(10_000)}x${'</a>'.repeat(10_000)}`;
    const inner = cb.appXml(`<xml><ToUserName>${FIXTURE_CORP}</ToUserName><FromUserName>u</FromUserName><MsgType>text</MsgType><MsgId>1</MsgId><Content>${deep}</Content></xml>`);
    expect(await ingestError(cb.inbound(inner))).toMatchObject({ code: 'bad_xml', status: 400 });
    expect(await ingestError(post(`<xml>${deep}</xml>`))).toMatchObject({ code: 'missing_encrypt', status: 400 });
    const forged = `<xml>${deep}<Encrypt>${Buffer.alloc(64).toString('base64')}</Encrypt></xml>`;
    expect(await ingestError(post(forged))).toMatchObject({ code: 'bad_signature', status: 401 });
  });

  it('__proto__ / constructor tags pollute nothing', async () => {
    const payloads = [
      `<xml><ToUserName>${FIXTURE_CORP}</ToUserName><__proto__><polluted>yes</polluted></__proto__><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>`,
      `<xml><ToUserName>${FIXTURE_CORP}</ToUserName><constructor><prototype><polluted>yes</polluted></prototype></constructor><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>`,
      `<xml><ToUserName>${FIXTURE_CORP}</ToUserName><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId><toString>1</toString><hasOwnProperty>1</hasOwnProperty></xml>`,
    ];
    for (const xml of payloads) {
      try {
        const r = await adapter.ingest(cb.inbound(cb.appXml(xml)), appBot());
        expect(['messages', 'ignored']).toContain(r.kind);
      } catch (err) {
        expect(err).toBeInstanceOf(BadRequestError);
        expect((err as AppError).status).toBe(400);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    }
    // Outside the encryption the scanner never builds objects from tag names.
    const outer = `<xml><__proto__><polluted>1</polluted></__proto__><Encrypt>${Buffer.alloc(64).toString('base64')}</Encrypt></xml>`;
    expect(await ingestError(post(outer))).toMatchObject({ status: 401 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('bad padding with a valid signature → 400 bad_padding (-40007)', async () => {
    // A signed payload whose decryption has broken padding: encrypt raw blocks with the right key.
    const { createCipheriv } = await import('node:crypto');
    const key = Buffer.from(`${TEST_KEY}=`, 'base64');
    const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    c.setAutoPadding(false);
    const encrypt = Buffer.concat([c.update(Buffer.alloc(64, 0x61)), c.final()]).toString('base64');
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = cb.appCrypto.signature(ts, 'n', encrypt);
    const err = await ingestError({
      method: 'POST',
      subPath: '',
      query: { msg_signature: sig, timestamp: ts, nonce: 'n' },
      headers: {},
      rawBody: Buffer.from(`<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`),
      receivedAt: Date.now(),
    });
    expect(err).toMatchObject({ code: 'bad_padding', status: 400, wecomCode: -40007 });
  });

  it('wrong corp: another receiveId → 400 receive_id_mismatch; inner ToUserName mismatch → 400', async () => {
    const other = wecomCallbacks({ token: TEST_TOKEN, encodingAesKey: TEST_KEY, corpId: 'wwothercorp', agentId: FIXTURE_AGENT });
    const err = await ingestError(other.inbound(other.appMessage({ MsgType: 'text', Content: 'x', MsgId: '1' })));
    expect(err).toMatchObject({ code: 'receive_id_mismatch', status: 400, wecomCode: -40005 });
    const spoof = cb.appXml(innerXml({ ToUserName: 'wwothercorp', FromUserName: 'u', CreateTime: 1, MsgType: 'text', Content: 'x', MsgId: 1 }));
    expect(await ingestError(cb.inbound(spoof))).toMatchObject({ code: 'corp_mismatch', status: 400 });
  });

  it('wrong agent id (inner or outer) → 400 agent_mismatch', async () => {
    const inner = cb.appMessage({ MsgType: 'text', Content: 'x', MsgId: '1', AgentID: '999' });
    expect(await ingestError(cb.inbound(inner))).toMatchObject({ code: 'agent_mismatch', status: 400 });
    const outer = cb.appXml(innerXml({ ToUserName: FIXTURE_CORP, FromUserName: 'u', CreateTime: 1, MsgType: 'text', Content: 'x', MsgId: 1 }), {
      outerAgentId: '999',
    });
    expect(await ingestError(cb.inbound(outer))).toMatchObject({ code: 'agent_mismatch', status: 400 });
  });

  it('a smart-bot payload (receiveId "") sent to an app bot → 400 receive_id_mismatch', async () => {
    const bot = wecomCallbacks({ token: TEST_TOKEN, encodingAesKey: TEST_KEY });
    const xml = innerXml({ ToUserName: FIXTURE_CORP, FromUserName: 'u', CreateTime: 1, MsgType: 'text', Content: 'x', MsgId: 1 });
    const encrypt = bot.botCrypto.encrypt(xml);
    const ts = String(Math.floor(Date.now() / 1000));
    const err = await ingestError({
      method: 'POST',
      subPath: '',
      query: { msg_signature: bot.botCrypto.signature(ts, 'n', encrypt), timestamp: ts, nonce: 'n' },
      headers: {},
      rawBody: Buffer.from(`<xml><Encrypt>${encrypt}</Encrypt></xml>`),
      receivedAt: Date.now(),
    });
    expect(err).toMatchObject({ code: 'receive_id_mismatch', status: 400 });
  });

  it('duplicate <Encrypt> tags, non-numeric MsgId, wrong method', async () => {
    const dup = `<xml><Encrypt>AAAA</Encrypt><Encrypt>BBBB</Encrypt></xml>`;
    expect(await ingestError(post(dup))).toMatchObject({ code: 'bad_xml', status: 400 });
    const badId = cb.appMessage({ MsgType: 'text', Content: 'x', MsgId: '12abc' });
    expect(await ingestError(cb.inbound(badId))).toMatchObject({ code: 'bad_message', status: 400 });
    const put = { ...cb.inbound(cb.urlCheck('x')), method: 'PUT' };
    expect(await ingestError(put)).toMatchObject({ code: 'method_not_allowed', status: 405 });
  });

  it('a bot without a token cannot be called (fail closed, 401)', async () => {
    const built = cb.urlCheck('x');
    const bot = appBot({ credentials: { ...appBot().credentials, token: '' } });
    expect(await ingestError(cb.inbound(built), bot)).toMatchObject({ code: 'bot_not_configured', status: 401 });
  });
});
