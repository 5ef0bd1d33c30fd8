import { describe, expect, it } from 'vitest';
import type { IngressResult, NormalizedMessage } from '../../../../src/adapters/types.js';
import { createWecomAdapter } from '../../../../src/adapters/wecom/adapter.js';
import { streamIdFor, stripBotMention } from '../../../../src/adapters/wecom/normalize.js';
import { AppError } from '../../../../src/errors.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { createMemoryKeyValueStore } from '../../../../src/store/kv.js';
import { wecomCallbacks } from '../../../fakes/fake-wecom-callbacks.js';
import { fixture, smartBot, TEST_KEY, TEST_TOKEN } from './helpers.js';

const cb = wecomCallbacks({ token: TEST_TOKEN, encodingAesKey: TEST_KEY, aibotId: 'AIBOTID' });

function setup(opts: { clock?: () => number } = {}) {
  const kv = createMemoryKeyValueStore();
  const adapter = createWecomAdapter({ logger: silentLogger, kv, clock: opts.clock, streamPushIntervalMs: 0 });
  return { kv, adapter };
}

function message(r: IngressResult): NormalizedMessage {
  if (r.kind !== 'messages') throw new Error(`expected messages, got ${r.kind}`);
  expect(r.messages).toHaveLength(1);
  return r.messages[0]!;
}

const json = (name: string) => JSON.parse(fixture(name)) as Record<string, unknown>;

describe('smart bot: decoding every message type', () => {
  const { adapter } = setup();
  const ingest = (name: string, settings: Record<string, unknown> = { streaming: false }) =>
    adapter.ingest(cb.inbound(cb.smartBot(json(name))), smartBot({}, settings));

  it('group text: @-mention stripped, group conversation, response_url kept', async () => {
    const m = message(await ingest('smart-bot-text-group.json'));
    expect(m).toMatchObject({
      id: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=',
      text: '帮我总结一下今天的会议',
      mentionsBot: true,
      conversation: { id: 'wrkSFfCgAAxxxxxx', type: 'group' },
      sender: { id: 'lisi' },
      replyTarget: { mode: 'smart_bot', chatType: 'group', chatId: 'wrkSFfCgAAxxxxxx', userId: 'lisi', responseUrl: 'RESPONSEURL' },
    });
    expect(m.replyTarget.streamId).toBeUndefined();
  });

  it('single text, voice transcription, image, file, mixed, quote', async () => {
    expect(message(await ingest('smart-bot-text-single.json'))).toMatchObject({
      text: 'hello robot 👋',
      conversation: { id: 'lisi', type: 'direct' },
      mentionsBot: false,
    });
    expect(message(await ingest('smart-bot-voice.json')).text).toBe('明天上午十点提醒我开会');
    expect(message(await ingest('smart-bot-image.json')).attachments).toEqual([
      { kind: 'image', ref: 'url:https://wework.qpic.cn/aibot/fixture-image' },
    ]);
    expect(message(await ingest('smart-bot-file.json')).attachments).toEqual([
      { kind: 'file', ref: 'url:https://wework.qpic.cn/aibot/fixture-file' },
    ]);
    const mixed = message(await ingest('smart-bot-mixed.json'));
    expect(mixed.text).toBe('这张图里是什么？');
    expect(mixed.attachments).toEqual([{ kind: 'image', ref: 'url:https://wework.qpic.cn/aibot/fixture-mixed' }]);
    const quote = message(await ingest('smart-bot-quote.json'));
    expect(quote.text).toBe('> 今天下午三点开会\n\n翻译成英文');
  });

  it('events: enter_chat ignored by default, greeted once a day when configured', async () => {
    expect((await ingest('smart-bot-enter-chat.json')).kind).toBe('ignored');
    const settings = { events: { enter_chat: 'greet' }, greeting: '你好，我是助手' };
    const first = await ingest('smart-bot-enter-chat.json', settings);
    expect(first.kind).toBe('answer');
    if (first.kind === 'answer') expect(cb.decryptJsonReply(first.body)).toEqual({ msgtype: 'text', text: { content: '你好，我是助手' } });
    expect((await ingest('smart-bot-enter-chat.json', settings)).kind).toBe('ignored');
  });

  it('groups can be disabled; unknown types are ignored', async () => {
    expect((await ingest('smart-bot-text-group.json', { groupPolicy: 'disabled' })).kind).toBe('ignored');
    const r = await adapter.ingest(cb.inbound(cb.smartBot({ msgid: 'm', msgtype: 'video', from: { userid: 'u' } })), smartBot());
    expect(r.kind).toBe('ignored');
  });

  it('mention stripping: configured names anywhere, else the leading @token', () => {
    expect(stripBotMention('@RobotA hello', [])).toBe('hello');
    expect(stripBotMention('hello @助手 there', ['助手'])).toBe('hello there');
    expect(stripBotMention('@someone else', ['助手'])).toBe('@someone else');
    expect(stripBotMention('@RobotA', [])).toBe('');
  });
});

describe('smart bot: hostile inputs', () => {
  const { adapter } = setup();
  async function error(req: ReturnType<typeof cb.inbound>, bot = smartBot()): Promise<AppError> {
    try {
      await adapter.ingest(req, bot);
    } catch (e) {
      return e as AppError;
    }
    throw new Error('expected a rejection');
  }

  it('bad signature → 401; not JSON / no encrypt → 400; app-style receiveId → 400', async () => {
    const built = cb.smartBot(json('smart-bot-text-single.json'));
    expect(await error({ ...cb.inbound(built), query: { ...built.query, msg_signature: 'a'.repeat(40) } })).toMatchObject({ status: 401, code: 'bad_signature' });
    expect(await error({ ...cb.inbound(built), rawBody: Buffer.from('<xml/>') })).toMatchObject({ status: 400, code: 'bad_json' });
    expect(await error({ ...cb.inbound(built), rawBody: Buffer.from('{"x":1}') })).toMatchObject({ status: 400, code: 'missing_encrypt' });
    expect(await error({ ...cb.inbound(built), rawBody: Buffer.from('{"encrypt":"a b"}') })).toMatchObject({ status: 400 });
    const app = wecomCallbacks({ token: TEST_TOKEN, encodingAesKey: TEST_KEY, corpId: 'wwcorp' });
    const enc = app.appCrypto.encrypt('{"msgtype":"text"}');
    const ts = String(Math.floor(Date.now() / 1000));
    const req = {
      ...cb.inbound(built),
      query: { msg_signature: app.appCrypto.signature(ts, 'n', enc), timestamp: ts, nonce: 'n' },
      rawBody: Buffer.from(JSON.stringify({ encrypt: enc })),
    };
    expect(await error(req)).toMatchObject({ status: 400, code: 'receive_id_mismatch' });
  });

  it('a message for another aibotid → 400 when the bot id is configured', async () => {
    const bot = smartBot({ credentials: { token: TEST_TOKEN, encodingAesKey: TEST_KEY, botId: 'MYBOT' } });
    expect(await error(cb.inbound(cb.smartBot(json('smart-bot-text-single.json'))), bot)).toMatchObject({ status: 400, code: 'bot_mismatch' });
  });

  it('JSON __proto__ keys pollute nothing', async () => {
    const r = await adapter.ingest(
      cb.inbound(cb.smartBot(JSON.parse('{"msgid":"p1","msgtype":"text","chattype":"single","from":{"userid":"u"},"text":{"content":"x"},"__proto__":{"polluted":"yes"}}'))),
      smartBot(),
    );
    expect(r.kind).toBe('messages');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('smart bot: streaming', () => {
  it('acks with an encrypted stream start whose id is derived from the msgid (same id on retries)', async () => {
    const { adapter } = setup();
    const payload = json('smart-bot-text-single.json');
    const first = await adapter.ingest(cb.inbound(cb.smartBot(payload)), smartBot());
    const retry = await adapter.ingest(cb.inbound(cb.smartBot(payload)), smartBot());
    const expectedId = streamIdFor('bot-smart-1', String(payload.msgid));
    for (const r of [first, retry]) {
      if (r.kind !== 'messages') throw new Error('expected messages');
      expect(r.ack.contentType).toContain('json');
      expect(Object.keys(r.ack.body as object).sort()).toEqual(['encrypt', 'msgsignature', 'nonce', 'timestamp']);
      expect(cb.decryptJsonReply(r.ack.body)).toEqual({ msgtype: 'stream', stream: { id: expectedId, finish: false, content: '' } });
      expect(r.messages[0]!.replyTarget.streamId).toBe(expectedId);
    }
  });

  it('refresh callbacks return the cumulative text pushed by the worker, then the final answer', async () => {
    const { adapter } = setup();
    const bot = smartBot();
    const payload = json('smart-bot-text-group.json');
    const msg = message(await adapter.ingest(cb.inbound(cb.smartBot(payload)), bot));
    const streamId = String(msg.replyTarget.streamId);

    const refresh = async () => {
      const r = await adapter.ingest(cb.inbound(cb.smartBot({ ...json('smart-bot-stream-refresh.json'), stream: { id: streamId } })), bot);
      if (r.kind !== 'answer') throw new Error('expected answer');
      return cb.decryptJsonReply(r.body) as { msgtype: string; stream: { id: string; finish: boolean; content: string } };
    };

    expect((await refresh()).stream).toEqual({ id: streamId, finish: false, content: '' });

    const sender = adapter.sender(bot);
    const stream = await sender.openStream!(msg.replyTarget);
    stream.push('Hello');
    stream.push('Hello, **wor');
    await new Promise((r) => setTimeout(r, 20));
    expect((await refresh()).stream).toEqual({ id: streamId, finish: false, content: 'Hello, **wor' });

    const ref = await stream.finish({ text: 'Hello, **world**!', footer: '12 tokens' });
    expect(ref).toMatchObject({ platformMessageId: streamId, data: { via: 'stream' } });
    const done = await refresh();
    expect(done).toEqual({ msgtype: 'stream', stream: { id: streamId, finish: true, content: 'Hello, **world**!\n\n> 12 tokens' } });
    // Pushes after finish change nothing.
    stream.push('late');
    await new Promise((r) => setTimeout(r, 20));
    expect((await refresh()).stream.content).toBe('Hello, **world**!\n\n> 12 tokens');
  });

  it('caps cumulative content at 20480 bytes on a character boundary', async () => {
    const { adapter } = setup();
    const bot = smartBot();
    const msg = message(await adapter.ingest(cb.inbound(cb.smartBot(json('smart-bot-text-single.json'))), bot));
    await (await adapter.sender(bot).openStream!(msg.replyTarget)).finish({ text: '汉'.repeat(10_000) });
    const r = await adapter.ingest(cb.inbound(cb.smartBot({ msgtype: 'stream', stream: { id: msg.replyTarget.streamId } })), bot);
    if (r.kind !== 'answer') throw new Error('expected answer');
    const content = (cb.decryptJsonReply(r.body) as { stream: { content: string } }).stream.content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(20480);
    expect(content.endsWith('…')).toBe(true);
  });

  it('a refresh past the polling deadline closes the stream with a notice (once)', async () => {
    let now = Date.now();
    const { adapter } = setup({ clock: () => now });
    const bot = smartBot();
    const msg = message(await adapter.ingest(cb.inbound(cb.smartBot(json('smart-bot-text-single.json'), { now }), now), bot));
    const refresh = async () => {
      const r = await adapter.ingest(cb.inbound(cb.smartBot({ msgtype: 'stream', stream: { id: msg.replyTarget.streamId } }, { now }), now), bot);
      if (r.kind !== 'answer') throw new Error('expected answer');
      return (cb.decryptJsonReply(r.body) as { stream: { finish: boolean; content: string } }).stream;
    };
    expect((await refresh()).finish).toBe(false);
    now += 331_000;
    const closed = await refresh();
    expect(closed.finish).toBe(true);
    expect(closed.content).toContain('separate message');
  });
});
