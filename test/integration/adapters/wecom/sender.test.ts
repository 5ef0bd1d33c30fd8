import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryLog } from '../../../../src/adapters/delivery-progress.js';
import type { BotRuntime } from '../../../../src/adapters/types.js';
import { createWecomAdapter } from '../../../../src/adapters/wecom/adapter.js';
import { WecomApiError } from '../../../../src/adapters/wecom/errors.js';
import { decodeEncodingAesKey, encryptWecomMedia } from '../../../../src/crypto/wecom-crypto.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { createMemoryKeyValueStore } from '../../../../src/store/kv.js';
import { startFakeFileHost, type FakeFileHost } from '../../../fakes/fake-file-host.js';
import { startFakeWecom, type FakeWecom } from '../../../fakes/fake-wecom.js';
import { wecomCallbacks } from '../../../fakes/fake-wecom-callbacks.js';
import { appBot, FIXTURE_AGENT, FIXTURE_CORP, smartBot, TEST_KEY, TEST_TOKEN } from '../../../unit/adapters/wecom/helpers.js';

let fake: FakeWecom;
let files: FakeFileHost;
beforeAll(async () => {
  fake = await startFakeWecom({ corpId: FIXTURE_CORP, secret: 'app-secret', agentId: FIXTURE_AGENT, agentName: 'Helpdesk' });
  files = await startFakeFileHost();
});
afterAll(async () => {
  await fake.close();
  await files.close();
});
beforeEach(() => fake.reset());

function build({ clock, replyFileTimeoutMs }: { clock?: () => number; replyFileTimeoutMs?: number } = {}) {
  return createWecomAdapter({
    logger: silentLogger,
    kv: createMemoryKeyValueStore(),
    apiBaseUrl: fake.url,
    clock,
    replyFileTimeoutMs,
    publicBaseUrl: 'https://sb.example.com',
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    sleep: async () => undefined,
    streamPushIntervalMs: 0,
  });
}
const target = { mode: 'app', toUser: 'zhangsan', agentId: FIXTURE_AGENT };
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('app sender', () => {
  it('splits a long markdown answer under 2048 bytes per message, code fences balanced', async () => {
    const adapter = build();
    const code = '```sql\n' + Array.from({ length: 120 }, (_, i) => `SELECT ${i} AS "列${i}";`).join('\n') + '\n```';
    const text = `# 报告\n\n${'数据分析结果 '.repeat(200)}\n\n${code}\n\n结束 ✅`;
    const ref = await adapter.sender(appBot()).send(target, { text });
    const sent = fake.sentMessages() as { msgtype: string; markdown: { content: string }; touser: string }[];
    expect(sent.length).toBeGreaterThan(2);
    for (const m of sent) {
      expect(m).toMatchObject({ msgtype: 'markdown', touser: 'zhangsan', agentid: 1000002 });
      expect(bytes(m.markdown.content)).toBeLessThanOrEqual(2048);
      expect((m.markdown.content.match(/^```/gm) ?? []).length % 2).toBe(0);
    }
    expect(ref.platformMessageId).toBe('msg-1');
    expect(ref.data).toMatchObject({ chunks: sent.length });
  });

  it('text format sends msgtype text with markdown removed', async () => {
    const adapter = build();
    await adapter.sender(appBot({}, { replyFormat: 'text' })).send(target, { text: '**Done** — see [docs](https://d)' });
    expect(fake.sentMessages()).toEqual([
      { touser: 'zhangsan', msgtype: 'text', text: { content: 'Done — see docs (https://d)' }, agentid: 1000002 },
    ]);
  });

  it('uploads workflow files and sends them as image / file messages; URL-only files become links', async () => {
    const adapter = build();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await adapter.sender(appBot()).send(target, {
      text: 'Here you go',
      files: [
        { name: 'chart.png', mime: 'image/png', data: png, kind: 'image' },
        { name: '报告.pdf', mime: 'application/pdf', data: Buffer.from('%PDF-1.4 test') },
        { name: 'big.zip', url: 'https://files.example.com/big.zip' },
      ],
    });
    expect(fake.uploads.map((u) => ({ type: u.type, contentType: u.contentType }))).toEqual([
      { type: 'image', contentType: 'image/png' },
      { type: 'file', contentType: 'application/pdf' },
    ]);
    expect(fake.uploads[0]!.filename).toBe('chart.png');
    const sent = fake.sentMessages() as Record<string, unknown>[];
    expect(sent.map((m) => m.msgtype)).toEqual(['markdown', 'image', 'file']);
    expect(sent[0]).toMatchObject({ markdown: { content: 'Here you go\n\n[big.zip](https://files.example.com/big.zip)' } });
    expect(sent[1]).toMatchObject({ image: { media_id: 'media-1' } });
    expect(sent[2]).toMatchObject({ file: { media_id: 'media-2' } });
  });

  it("fetches files on the workflow's host and uploads them; other URLs are linked and never fetched", async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const hosted = files.serve('/files/tools/chart.png', png, 'image/png');
    const foreign = files.serve('/elsewhere/secret.txt', Buffer.from('internal'), 'text/plain');
    await build().sender(appBot()).send(target, {
      text: 'Chart attached',
      files: [
        { name: 'chart.png', url: hosted, hostedByWorkflow: true, kind: 'image' },
        { name: 'secret.txt', url: foreign },
      ],
    });
    expect(files.hits('/elsewhere/secret.txt')).toBe(0);
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]).toMatchObject({ type: 'image', filename: 'chart.png' });
    const sent = fake.sentMessages() as Record<string, unknown>[];
    expect(sent.map((m) => m.msgtype)).toEqual(['markdown', 'image']);
    expect(sent[0]).toMatchObject({ markdown: { content: `Chart attached\n\n[secret.txt](${foreign})` } });
  });

  it('a hosted file that is gone, redirects, answers 503 or stalls is sent once as a link, with a warning', async () => {
    const gone = files.fail('/files/gone.pdf', 404);
    // A redirect is not followed, even to a page that would answer: it could lead anywhere.
    const moved = files.fail('/files/moved.pdf', 302, { location: files.serve('/internal/admin.pdf', Buffer.from('%PDF internal'), 'application/pdf') });
    const busy = files.fail('/files/busy.pdf', 503);
    const stalled = files.stall('/files/stalled.pdf');
    const ok = files.serve('/files/ok.pdf', Buffer.from('%PDF-1.4 ok'), 'application/pdf');
    const sender = build({ replyFileTimeoutMs: 300 }).sender(appBot({ id: 'files-linked' }));
    const reply = {
      text: 'Your documents',
      files: [gone, moved, busy, stalled, ok].map((url) => ({ name: url.split('/').pop()!, url, hostedByWorkflow: true })),
    };
    const progress = new DeliveryLog();
    await sender.send({ ...target, msgId: '7440000000000000077' }, reply, progress);
    const sent = fake.sentMessages() as { msgtype: string; markdown?: { content: string } }[];
    expect(sent.map((m) => m.msgtype)).toEqual(['markdown', 'markdown', 'markdown', 'markdown', 'markdown', 'file']);
    expect(sent.map((m) => m.markdown?.content)).toEqual([
      'Your documents',
      `[gone.pdf](${gone})`,
      `[moved.pdf](${moved})`,
      `[busy.pdf](${busy})`,
      `[stalled.pdf](${stalled})`,
      undefined,
    ]);
    expect(fake.uploads.map((u) => u.filename)).toEqual(['ok.pdf']);
    expect(files.hits('/internal/admin.pdf')).toBe(0);
    expect(progress.textDelivered).toBe(true);
    expect(progress.warnings).toEqual([
      'file gone.pdf could not be uploaded (reply_file_http_404); sent as a link',
      'file moved.pdf could not be uploaded (reply_file_http_302); sent as a link',
      'file busy.pdf could not be uploaded (reply_file_http_503); sent as a link',
      'file stalled.pdf could not be uploaded (reply_file_timeout); sent as a link',
    ]);
    // Sent again with the same progress (a retried job): nothing is sent twice.
    await sender.send({ ...target, msgId: '7440000000000000077' }, reply, progress);
    expect(fake.sentMessages()).toHaveLength(6);
  });

  it('a retried send skips the chunks already delivered', async () => {
    const adapter = build();
    const sender = adapter.sender(appBot({ id: 'progress' }));
    const text = ['part one '.repeat(150), 'part two '.repeat(150), 'part three '.repeat(150)].join('\n\n');
    const forMessage = { ...target, msgId: '7440000000000000009' };
    fake.failNext('/cgi-bin/message/send', 40058, 1, 1); // the 2nd message fails for good
    const progress = new DeliveryLog();
    await expect(sender.send(forMessage, { text }, progress)).rejects.toBeInstanceOf(WecomApiError);
    expect(progress.textDelivered).toBe(true);
    await sender.send(forMessage, { text }, progress);
    const contents = (fake.sentMessages() as { markdown: { content: string } }[]).map((m) => m.markdown.content);
    expect(contents).toHaveLength(3);
    expect(new Set(contents).size).toBe(3);
    expect(contents.join('')).toBe(text);
  });

  it('the same answer to two different messages is sent twice', async () => {
    const sender = build().sender(appBot({ id: 'twice' }));
    await sender.send({ ...target, msgId: '1' }, { text: 'OK' });
    await sender.send({ ...target, msgId: '2' }, { text: 'OK' });
    expect(fake.sentMessages()).toHaveLength(2);
  });
});

describe('attachments', () => {
  it('app: media/get bytes with name and type', async () => {
    const adapter = build();
    const data = Buffer.from([1, 2, 3, 4, 5]);
    fake.addMedia('MEDIA_1', { data, mime: 'image/jpeg', name: 'photo.jpg' });
    const file = await adapter.downloadAttachment(appBot(), { kind: 'image', ref: 'media:MEDIA_1' });
    expect(file).toEqual({ name: 'photo.jpg', mime: 'image/jpeg', data });
    const err = await adapter.downloadAttachment(appBot(), { kind: 'image', ref: 'media:GONE' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ errcode: 40007, retryable: false });
  });

  it('smart bot: the downloaded file is AES-decrypted with the bot key before reaching the workflow', async () => {
    const adapter = build();
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(1000, 7)]);
    const url = fake.addSmartBotFile('img-1', encryptWecomMedia(decodeEncodingAesKey(TEST_KEY), png));
    const file = await adapter.downloadAttachment(smartBot(), { kind: 'image', ref: `url:${url}` });
    expect(file.data.equals(png)).toBe(true);
    expect(file.mime).toBe('image/png');
    // Encrypted with another key: a typed 400-class error, not garbage.
    const wrong = fake.addSmartBotFile('img-2', encryptWecomMedia(Buffer.alloc(32, 9), png));
    const err = await adapter.downloadAttachment(smartBot(), { kind: 'image', ref: `url:${wrong}` }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400 });
  });

  it('end to end: an image callback → attachment ref → decrypted bytes', async () => {
    const adapter = build();
    const cb = wecomCallbacks({ token: TEST_TOKEN, encodingAesKey: TEST_KEY });
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(64, 1)]);
    const url = fake.addSmartBotFile('img-3', encryptWecomMedia(decodeEncodingAesKey(TEST_KEY), jpeg));
    const r = await adapter.ingest(
      cb.inbound(cb.smartBot({ msgid: 'img-msg', chattype: 'single', from: { userid: 'u' }, msgtype: 'image', image: { url } })),
      smartBot({}, { streaming: false }),
    );
    if (r.kind !== 'messages') throw new Error('expected messages');
    const file = await adapter.downloadAttachment(smartBot(), r.messages[0]!.attachments[0]!);
    expect(file.data.equals(jpeg)).toBe(true);
    expect(file.mime).toBe('image/jpeg');
  });
});

describe('smart bot answers', () => {
  const cb = wecomCallbacks({ token: TEST_TOKEN, encodingAesKey: TEST_KEY });

  async function receive(adapter: ReturnType<typeof build>, bot: BotRuntime, now: number) {
    const r = await adapter.ingest(
      cb.inbound(
        cb.smartBot(
          { msgid: `m-${now}`, chattype: 'single', from: { userid: 'u' }, msgtype: 'text', text: { content: 'q' }, response_url: fake.responseUrl(`r-${now}`) },
          { now },
        ),
        now,
      ),
      bot,
    );
    if (r.kind !== 'messages') throw new Error('expected messages');
    return r.messages[0]!;
  }

  it('without streaming: one markdown reply through response_url', async () => {
    const adapter = build();
    const bot = smartBot({}, { streaming: false });
    const msg = await receive(adapter, bot, Date.now());
    expect(adapter.sender(bot).openStream).toBeDefined();
    await adapter.sender(bot).send(msg.replyTarget, { text: '**answer**' });
    expect(fake.responses).toEqual([{ msgtype: 'markdown', markdown: { content: '**answer**' } }]);
  });

  it('past the polling deadline the stream closes with a notice and the full answer goes once to response_url', async () => {
    let now = Date.now();
    const adapter = build({ clock: () => now });
    const bot = smartBot({ id: 'slow' });
    const msg = await receive(adapter, bot, now);
    const stream = await adapter.sender(bot).openStream!(msg.replyTarget);
    stream.push('partial');
    await new Promise((r) => setTimeout(r, 10));
    const refresh = async () => {
      const r = await adapter.ingest(cb.inbound(cb.smartBot({ msgtype: 'stream', stream: { id: msg.replyTarget.streamId } }, { now }), now), bot);
      if (r.kind !== 'answer') throw new Error('expected answer');
      return (cb.decryptJsonReply(r.body) as { stream: { finish: boolean; content: string } }).stream;
    };
    expect(await refresh()).toMatchObject({ finish: false, content: 'partial' });
    now += 340_000;
    const closed = await refresh();
    expect(closed.finish).toBe(true);
    expect(closed.content.startsWith('partial')).toBe(true);
    const ref = await stream.finish({ text: 'the whole answer' });
    expect(ref.data).toMatchObject({ via: 'response_url' });
    expect(fake.responses).toEqual([{ msgtype: 'markdown', markdown: { content: 'the whole answer' } }]);
  });

  it("a finished stream shows the workflow's PNG/JPEG images inline and links every other file", async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(32, 1)]);
    const chart = files.serve('/files/tools/stream-chart.png', png, 'image/png');
    const missing = files.fail('/files/tools/missing.png', 404);
    const report = files.serve('/files/tools/report.pdf', Buffer.from('%PDF'), 'application/pdf');
    const adapter = build();
    const bot = smartBot({ id: 'stream-files' });
    const now = Date.now();
    const msg = await receive(adapter, bot, now);
    await (await adapter.sender(bot).openStream!(msg.replyTarget)).finish({
      text: 'Results',
      files: [
        { name: 'stream-chart.png', url: chart, hostedByWorkflow: true, kind: 'image' },
        { name: 'missing.png', url: missing, hostedByWorkflow: true, kind: 'image' },
        { name: 'report.pdf', url: report, hostedByWorkflow: true },
      ],
    });
    const r = await adapter.ingest(cb.inbound(cb.smartBot({ msgtype: 'stream', stream: { id: msg.replyTarget.streamId } }, { now }), now), bot);
    if (r.kind !== 'answer') throw new Error('expected answer');
    const { stream } = cb.decryptJsonReply(r.body) as { stream: { finish: boolean; content: string; msg_item?: unknown[] } };
    expect(stream.finish).toBe(true);
    expect(stream.content).toBe(`Results\n\n[missing.png](${missing})\n[report.pdf](${report})`);
    expect(stream.msg_item).toEqual([
      { msgtype: 'image', image: { base64: png.toString('base64'), md5: createHash('md5').update(png).digest('hex') } },
    ]);
    expect(files.hits('/files/tools/report.pdf')).toBe(0);
  });

  it('an interrupted attempt leaves the stream open with a note; the next attempt finishes it', async () => {
    const adapter = build();
    const bot = smartBot({ id: 'retrying' });
    const now = Date.now();
    const msg = await receive(adapter, bot, now);
    const refresh = async () => {
      const r = await adapter.ingest(cb.inbound(cb.smartBot({ msgtype: 'stream', stream: { id: msg.replyTarget.streamId } }, { now }), now), bot);
      if (r.kind !== 'answer') throw new Error('expected answer');
      return (cb.decryptJsonReply(r.body) as { stream: { finish: boolean; content: string } }).stream;
    };
    const first = await adapter.sender(bot).openStream!(msg.replyTarget);
    first.push('half an ans');
    await first.interrupt('_Interrupted, trying again…_');
    expect(await refresh()).toEqual({ id: msg.replyTarget.streamId, finish: false, content: '_Interrupted, trying again…_' });
    const second = await adapter.sender(bot).openStream!(msg.replyTarget);
    second.push('the whole');
    await new Promise((r) => setTimeout(r, 10));
    expect(await refresh()).toMatchObject({ finish: false, content: 'the whole' });
    await second.finish({ text: 'the whole answer' });
    expect(await refresh()).toMatchObject({ finish: true, content: 'the whole answer' });
    expect(fake.responses).toEqual([]);
  });

  it('at the polling deadline a stream showing a retrying note closes with the hand-over notice only', async () => {
    let now = Date.now();
    const adapter = build({ clock: () => now });
    const bot = smartBot({ id: 'retrying-late' });
    const msg = await receive(adapter, bot, now);
    const refresh = async () => {
      const r = await adapter.ingest(cb.inbound(cb.smartBot({ msgtype: 'stream', stream: { id: msg.replyTarget.streamId } }, { now }), now), bot);
      if (r.kind !== 'answer') throw new Error('expected answer');
      return (cb.decryptJsonReply(r.body) as { stream: { finish: boolean; content: string } }).stream;
    };
    await (await adapter.sender(bot).openStream!(msg.replyTarget)).interrupt('_Interrupted, trying again…_');
    expect((await refresh()).finish).toBe(false);
    now += 340_000;
    const closed = await refresh();
    expect(closed.finish).toBe(true);
    expect(closed.content).not.toContain('Interrupted');
    expect(closed.content).toContain('the full answer follows');
  });

  it('a refresh for a stream it never opened finishes it at once; a late answer then goes to response_url', async () => {
    const adapter = build();
    const bot = smartBot({ id: 'forgotten' });
    const now = Date.now();
    const r = await adapter.ingest(cb.inbound(cb.smartBot({ msgtype: 'stream', stream: { id: 'streamNobodyOpened000000' } }, { now }), now), bot);
    if (r.kind !== 'answer') throw new Error('expected answer');
    expect((cb.decryptJsonReply(r.body) as { stream: { finish: boolean } }).stream.finish).toBe(true);
    const sender = adapter.sender(bot);
    const ref = await sender.send(
      { mode: 'smart_bot', userId: 'u', streamId: 'streamNobodyOpened000000', responseUrl: fake.responseUrl('late'), receivedAt: now },
      { text: 'late answer' },
    );
    expect(ref.data).toMatchObject({ via: 'response_url' });
    expect(fake.responses).toEqual([{ msgtype: 'markdown', markdown: { content: 'late answer' } }]);
  });

  it('a stream finished in time is not also sent to response_url', async () => {
    const adapter = build();
    const bot = smartBot({ id: 'fast' });
    const msg = await receive(adapter, bot, Date.now());
    const ref = await (await adapter.sender(bot).openStream!(msg.replyTarget)).finish({ text: 'quick' });
    expect(ref.data).toMatchObject({ via: 'stream' });
    expect(fake.responses).toEqual([]);
  });
});

describe('connection check', () => {
  it('reports token, agent and the setup facts in precise sentences', async () => {
    const report = await build().checkConnection(appBot());
    expect(report.ok).toBe(true);
    expect(report.items.map((i) => i.name)).toEqual(['Callback keys', 'Access token', 'Agent']);
    expect(report.items[1]!.detail).toBe(`Fetched an access token for CorpID ${FIXTURE_CORP} with the given secret.`);
    expect(report.items[2]!.detail).toBe(`AgentId ${FIXTURE_AGENT} is the app "Helpdesk" and the secret may use it.`);
    expect(report.setup).toMatchObject({
      callbackUrl: 'https://sb.example.com/hooks/wecom/bot-app-1',
      token: TEST_TOKEN,
      encodingAesKey: TEST_KEY,
    });
  });

  it('diagnoses an untrusted IP', async () => {
    fake.failNext('/cgi-bin/gettoken', 60020);
    const report = await build().checkConnection(appBot({ id: 'ipcheck' }));
    expect(report.ok).toBe(false);
    const item = report.items.find((i) => i.name === 'Access token')!;
    expect(item.ok).toBe(false);
    expect(item.detail).toContain('Add 203.0.113.7 under App → Trusted IPs');
  });

  it('rejects a wrong agent id and a malformed key', async () => {
    const bad = appBot({ id: 'badagent', credentials: { ...appBot().credentials, agentId: '42' } });
    const report = await build().checkConnection(bad);
    expect(report.items.find((i) => i.name === 'Agent')).toMatchObject({ ok: false });
    expect(report.items.find((i) => i.name === 'Agent')!.detail).toContain('errcode 40056');
    const badKey = appBot({ id: 'badkey', credentials: { ...appBot().credentials, encodingAesKey: 'short' } });
    const r2 = await build().checkConnection(badKey);
    expect(r2.items.find((i) => i.name === 'Callback keys')).toMatchObject({ ok: false });
  });

  it('a smart bot without API credentials checks its keys only', async () => {
    const report = await build().checkConnection(smartBot());
    expect(report.ok).toBe(true);
    expect(report.items.map((i) => i.name)).toEqual(['Callback keys']);
    expect(report.setup?.callbackUrl).toBe('https://sb.example.com/hooks/wecom/bot-smart-1');
  });
});
