/**
 * The DingTalk API client, sender and AI-card stream against the fake DingTalk API: token sharing, per-part
 * progress across retries, rate limits, quota, files both ways, channels, and cards that are never left spinning.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDingtalkAdapter } from '../../../../src/adapters/dingtalk/adapter.js';
import { DingtalkApiError } from '../../../../src/adapters/dingtalk/errors.js';
import { DeliveryLog, parseDeliveredParts, type DeliveredParts } from '../../../../src/adapters/delivery-progress.js';
import type { ReplyTarget } from '../../../../src/adapters/types.js';
import { startFakeDingtalk, type FakeDingtalk } from '../../../fakes/fake-dingtalk.js';
import { startFakeFileHost, type FakeFileHost } from '../../../fakes/fake-file-host.js';
import { dingtalkBot, DT_KEYS } from '../../../unit/adapters/dingtalk/helpers.js';
import { capturingLogger, recordingKv } from '../wecom/support.js';

let fake: FakeDingtalk;
let files: FakeFileHost;
beforeAll(async () => {
  fake = await startFakeDingtalk({ clientId: DT_KEYS.clientId, clientSecret: DT_KEYS.clientSecret, invalidUsers: ['ghost'] });
  files = await startFakeFileHost();
});
afterAll(async () => {
  await fake.close();
  await files.close();
});
beforeEach(() => fake.reset());

/**
 * A delivery's progress as the processor keeps it: saved as JSON (the Delivery row) after every part. `log()` is
 * what an attempt gets — the next attempt, or one in a restarted process, reads what the earlier ones saved.
 */
function storedProgress() {
  let saved = '{}';
  return {
    log: () => new DeliveryLog(parseDeliveredParts(JSON.parse(saved)), async (parts: DeliveredParts) => {
      saved = JSON.stringify(parts);
    }),
    parts: () => parseDeliveredParts(JSON.parse(saved)),
  };
}

function build(o: { kv?: ReturnType<typeof recordingKv>; cardTemplateId?: string; replyFormat?: string; replyFileTimeoutMs?: number } = {}) {
  const { logger, lines } = capturingLogger();
  const kv = o.kv ?? recordingKv();
  const sleeps: number[] = [];
  const adapter = createDingtalkAdapter({
    logger,
    kv,
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    card: { updateIntervalMs: 20, cardMaxBytes: 600, maxGrowthBytes: 200 },
    replyFileTimeoutMs: o.replyFileTimeoutMs,
  });
  const settings = { apiBaseUrl: fake.url, legacyApiBaseUrl: fake.url, ...(o.cardTemplateId ? { cardTemplateId: o.cardTemplateId } : {}), ...(o.replyFormat ? { replyFormat: o.replyFormat } : {}) };
  const bot = dingtalkBot('robot_http', settings, { robotCode: DT_KEYS.clientId });
  return { adapter, bot, kv, lines, sleeps };
}

const group = (msgId: string): ReplyTarget => ({ platform: 'dingtalk', conversationType: 'group', conversationId: 'cidGroup1==', userId: 'staff1', isStaff: true, robotCode: DT_KEYS.clientId, msgId });
const direct = (msgId: string, userId = 'staff1', isStaff = true): ReplyTarget => ({ platform: 'dingtalk', conversationType: 'direct', conversationId: 'cidOne==', userId, isStaff, robotCode: DT_KEYS.clientId, msgId });

async function rejection(p: Promise<unknown>): Promise<DingtalkApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DingtalkApiError);
    return err as DingtalkApiError;
  }
  throw new Error('expected a DingtalkApiError');
}

describe('DingTalk API client and sender against the fake API', () => {
  it('single-flight: ten concurrent sends fetch one token, shared under a hashed key; nothing secret is logged', async () => {
    const { adapter, bot, kv, lines } = build();
    const sender = adapter.sender(bot);
    await Promise.all(Array.from({ length: 10 }, (_, i) => sender.send(group(`sf-${i}`), { text: `hello ${i}` })));
    expect(fake.callsTo('/v1.0/oauth2/accessToken')).toHaveLength(1);
    expect(fake.callsTo('/v1.0/robot/groupMessages/send')).toHaveLength(10);
    const tokenKeys = kv.writes.filter((w) => w.key.startsWith('dingtalk:token:')).map((w) => w.key);
    expect(tokenKeys).toHaveLength(1);
    expect(tokenKeys[0]).toMatch(/^dingtalk:token:[0-9a-f]{40}$/);
    expect(lines.join('')).not.toMatch(/dt-tok-\d/);
    expect(lines.join('')).not.toContain(DT_KEYS.clientSecret);
  });

  it('a retried send never re-posts a part already delivered, also in a restarted process', async () => {
    const progress = storedProgress();
    const paragraph = (i: number) => `Part ${i}: ${'细节'.repeat(900)}`;
    const text = [paragraph(1), paragraph(2), paragraph(3)].join('\n\n');
    const parts = () => fake.sent.map((s) => (s.via === 'group' ? String(s.msgParam.text).slice(0, 6) : ''));
    // The first part goes out; the second fails for the whole in-call budget (3 attempts).
    fake.failNext('/v1.0/robot/groupMessages/send', { status: 500, code: 'ServiceUnavailable', message: 'busy' }, 3, 1);
    const before = build();
    const err = await rejection(before.adapter.sender(before.bot).send(group('prog-1'), { text }, progress.log()));
    expect(err.retryable).toBe(true);
    expect(parts()).toEqual(['Part 1']);
    expect(Object.keys(progress.parts())).toEqual(['text:0']);
    // The process restarts: a new adapter with an empty key-value store; only the stored progress survives.
    const after = build();
    const log = progress.log();
    await after.adapter.sender(after.bot).send(group('prog-1'), { text }, log);
    expect(parts()).toEqual(['Part 1', 'Part 2', 'Part 3']);
    expect(log.textDelivered).toBe(true);
    // Once more (the job ran again after its send step): nothing left to post.
    await after.adapter.sender(after.bot).send(group('prog-1'), { text }, progress.log());
    expect(parts()).toHaveLength(3);
  });

  it('QPS limits (403 QpsLimitForAppkeyAndApi, 90018) back off with jitter and succeed within the budget', async () => {
    const { adapter, bot, sleeps } = build();
    fake.failNext('/v1.0/robot/oToMessages/batchSend', { status: 403, code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', message: 'qps limit' }, 2);
    await adapter.sender(bot).send(direct('qps-1'), { text: 'after the limit' });
    expect(fake.callsTo('/v1.0/robot/oToMessages/batchSend')).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    for (const ms of sleeps) expect(ms).toBeGreaterThanOrEqual(500);
    expect(fake.texts()).toEqual(['after the limit']);
  });

  it('the org quota (ApiCountLimitForOrg) is a configuration error in words, not retried', async () => {
    const { adapter, bot } = build();
    fake.failNext('/v1.0/robot/groupMessages/send', { status: 403, code: 'Forbidden.AccessDenied.ApiCountLimitForOrg', message: 'api count limit' });
    const err = await rejection(adapter.sender(bot).send(group('quota-1'), { text: 'x' }));
    expect(err).toMatchObject({ code: 'org_quota_exhausted', category: 'configuration', retryable: false });
    expect(err.message).toMatch(/monthly API quota/);
    expect(fake.callsTo('/v1.0/robot/groupMessages/send')).toHaveLength(1);
  });

  it('a rejected token is refreshed once and the call retried once', async () => {
    const { adapter, bot } = build();
    const sender = adapter.sender(bot);
    await sender.send(group('tok-1'), { text: 'one' });
    fake.expireTokens();
    await sender.send(group('tok-2'), { text: 'two' });
    expect(fake.callsTo('/v1.0/oauth2/accessToken')).toHaveLength(2);
    expect(fake.callsTo('/v1.0/robot/groupMessages/send')).toHaveLength(3);
    expect(fake.texts()).toEqual(['one', 'two']);
  });

  it('uses a valid sessionWebhook, falls back to the robot API when DingTalk refuses it, and says so for external users', async () => {
    const { adapter, bot } = build({ replyFormat: 'text' });
    const sender = adapter.sender(bot);
    const live = { ...direct('sw-1'), sessionWebhook: fake.sessionWebhook('live'), sessionWebhookExpiresAt: Date.now() + 3_600_000 };
    await sender.send(live, { text: '**plain** please' });
    expect(fake.sent).toEqual([expect.objectContaining({ via: 'session', session: 'live', body: { msgtype: 'text', text: { content: 'plain please' } } })]);
    const refused = { ...direct('sw-2'), sessionWebhook: fake.sessionWebhook('gone', { expired: true }), sessionWebhookExpiresAt: Date.now() + 3_600_000 };
    await sender.send(refused, { text: 'via the API' });
    expect(fake.sent.at(-1)).toMatchObject({ via: 'oto', userIds: ['staff1'], msgKey: 'sampleText', msgParam: { content: 'via the API' } });
    const external = direct('sw-3', '$:LWCP_v1:$ext==', false);
    const err = await rejection(sender.send(external, { text: 'x' }));
    expect(err).toMatchObject({ code: 'no_reply_channel', retryable: false });
    const ghost = await rejection(sender.send(direct('sw-4', 'ghost'), { text: 'x' }));
    expect(ghost).toMatchObject({ code: 'no_valid_recipient', retryable: false });
  });

  it('workflow files: bytes are uploaded and sent as image / file messages; other URLs become links', async () => {
    const { adapter, bot } = build();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
    await adapter.sender(bot).send(group('files-1'), {
      text: 'Here you go',
      files: [
        { name: 'chart.png', mime: 'image/png', kind: 'image', data: png },
        { name: 'report.pdf', mime: 'application/pdf', data: Buffer.from('%PDF-1.4 test') },
        { name: 'elsewhere.zip', url: 'https://files.example.com/elsewhere.zip' },
      ],
    });
    expect(fake.uploads.map((u) => [u.type, u.filename])).toEqual([
      ['image', 'chart.png'],
      ['file', 'report.pdf'],
    ]);
    const sent = fake.sent.map((s) => (s.via === 'group' ? [s.msgKey, s.msgParam] : []));
    expect(sent[0]).toEqual(['sampleMarkdown', { title: 'Here you go', text: 'Here you go\n\n[elsewhere.zip](https://files.example.com/elsewhere.zip)' }]);
    expect(sent[1]).toEqual(['sampleImageMsg', { photoURL: expect.stringMatching(/^@media-/) }]);
    expect(sent[2]).toEqual(['sampleFile', { mediaId: expect.stringMatching(/^@media-/), fileName: 'report.pdf', fileType: 'pdf' }]);
  });

  it('a hosted file that is gone, answers 503, stalls or cannot be uploaded is sent once as a link, with a warning', async () => {
    const gone = files.fail('/files/gone.pdf', 404);
    const busy = files.fail('/files/busy.pdf', 503);
    const stalled = files.stall('/files/stalled.pdf');
    const refused = files.serve('/files/refused.pdf', Buffer.from('%PDF-1.4 refused'), 'application/pdf');
    const ok = files.serve('/files/ok.pdf', Buffer.from('%PDF-1.4 ok'), 'application/pdf');
    // media/upload refuses the first file it gets (refused.pdf) for good.
    fake.failNext('/media/upload', { errcode: 40005, errmsg: 'invalid file type' });
    const { adapter, bot } = build({ replyFileTimeoutMs: 300 });
    const reply = { text: 'Your documents', files: [gone, busy, stalled, refused, ok].map((url) => ({ name: url.split('/').pop()!, url, hostedByWorkflow: true })) };
    const progress = new DeliveryLog();
    await adapter.sender(bot).send(group('files-linked'), reply, progress);
    const sent = fake.sent.map((s) => (s.via === 'group' ? [s.msgKey, s.msgParam.text ?? s.msgParam.fileName] : []));
    expect(sent).toEqual([
      ['sampleMarkdown', 'Your documents'],
      ['sampleMarkdown', `[gone.pdf](${gone})`],
      ['sampleMarkdown', `[busy.pdf](${busy})`],
      ['sampleMarkdown', `[stalled.pdf](${stalled})`],
      ['sampleMarkdown', `[refused.pdf](${refused})`],
      ['sampleFile', 'ok.pdf'],
    ]);
    expect(fake.uploads.map((u) => u.filename)).toEqual(['ok.pdf']);
    expect(progress.warnings).toEqual([
      'file gone.pdf could not be uploaded (reply_file_http_404); sent as a link',
      'file busy.pdf could not be uploaded (reply_file_http_503); sent as a link',
      'file stalled.pdf could not be uploaded (reply_file_timeout); sent as a link',
      'file refused.pdf could not be uploaded (dingtalk_api_error); sent as a link',
    ]);
    // Sent again with the same progress (a retried job): nothing is sent or uploaded twice.
    await adapter.sender(bot).send(group('files-linked'), reply, progress);
    expect(fake.sent).toHaveLength(6);
    expect(fake.uploads).toHaveLength(1);
  });

  it('downloads a message file by its downloadCode', async () => {
    const { adapter, bot } = build();
    fake.addFile('dl-code-1', { data: Buffer.from('hello file'), mime: 'application/pdf', name: 'a.pdf' });
    const file = await adapter.downloadAttachment(bot, { kind: 'file', ref: `dl:${DT_KEYS.clientId}:dl-code-1`, name: '报销单.pdf' });
    expect(file).toEqual({ name: '报销单.pdf', mime: 'application/pdf', data: Buffer.from('hello file') });
    expect(fake.callsTo('/v1.0/robot/messageFiles/download')[0]!.body).toEqual({ downloadCode: 'dl-code-1', robotCode: DT_KEYS.clientId });
  });
});

describe('AI-card streaming against the fake API', () => {
  it('each update grows the card by at most maxGrowthBytes; a long answer keeps its first part in the card and sends the rest', async () => {
    const { adapter, bot } = build({ cardTemplateId: 'tpl.schema' });
    const sender = adapter.sender(bot);
    const stream = await sender.openStream!(group('card-grow'));
    const answer = Array.from({ length: 30 }, (_, i) => `Line ${i} ${'x'.repeat(40)}`).join('\n');
    stream.push(answer);
    await new Promise((r) => setTimeout(r, 400));
    await stream.finish({ text: answer });
    const card = [...fake.cards.values()][0]!;
    const sizes = card.updates.map((u) => Buffer.byteLength(u.content));
    for (let i = 1; i < card.updates.length - 1; i++) expect(sizes[i]! - sizes[i - 1]!).toBeLessThanOrEqual(200);
    expect(sizes[0]).toBeLessThanOrEqual(200);
    const final = card.updates.at(-1)!;
    expect(final).toMatchObject({ isFinalize: true, isError: false });
    expect(Buffer.byteLength(final.content)).toBeLessThanOrEqual(600);
    const rest = fake.texts().join('');
    expect(final.content + rest).toBe(answer);
  });

  it('a job retried after a crash closes the card the dead attempt left open, in its error state', async () => {
    const { adapter, bot } = build({ cardTemplateId: 'tpl.schema' });
    const sender = adapter.sender(bot);
    const abandoned = await sender.openStream!(direct('card-crash'));
    abandoned.push('partial answer');
    await new Promise((r) => setTimeout(r, 100));
    // The process "dies" here: no finish, no fail. The next attempt opens a new card.
    const retry = await sender.openStream!(direct('card-crash'));
    const [first, second] = [...fake.cards.values()];
    expect(first!.updates.at(-1)).toMatchObject({ isFinalize: true, isError: true });
    expect(second!.updates).toHaveLength(0);
    await retry.finish({ text: 'the answer' });
    expect(second!.updates.at(-1)).toMatchObject({ content: 'the answer', isFinalize: true, isError: false });
    expect(first!.openSpaceId).toBe('dtv1.card//IM_ROBOT.staff1');
  });

  it('after a finalized card, the retried delivery (even in a restarted process) sends only the rest still missing', async () => {
    const progress = storedProgress();
    const before = build({ cardTemplateId: 'tpl.schema' });
    const row = (i: number) => `Row ${i} ${'y'.repeat(40)}`;
    // The card holds ~600 bytes; the rest (~8 KB) goes as two messages, then the file.
    const answer = Array.from({ length: 200 }, (_, i) => row(i)).join('\n');
    const reply = { text: answer, files: [{ name: 'report.pdf', mime: 'application/pdf', data: Buffer.from('%PDF-1.4 report') }] };
    const stream = await before.adapter.sender(before.bot).openStream!(group('card-rest'));
    fake.failNext('/v1.0/robot/groupMessages/send', { status: 400, code: 'InvalidParameter', message: 'boom' }, 1, 1);
    await expect(stream.finish(reply, progress.log())).rejects.toBeInstanceOf(DingtalkApiError);
    expect(Object.keys(progress.parts())).toEqual(['card', 'rest:0']);
    // A restart: new adapter, empty key-value store. The run succeeded, so the retry is a plain send.
    const after = build({ cardTemplateId: 'tpl.schema' });
    await after.adapter.sender(after.bot).send(group('card-rest'), reply, progress.log());
    const card = [...fake.cards.values()][0]!;
    expect(fake.cards.size).toBe(1);
    const texts = fake.texts().filter((t) => t !== '');
    expect(texts).toHaveLength(2);
    expect(card.updates.at(-1)!.content + texts.join('')).toBe(answer);
    expect(fake.uploads.map((u) => u.filename)).toEqual(['report.pdf']);
    expect(Object.keys(progress.parts())).toEqual(['card', 'rest:0', 'rest:1', 'file:0']);
  });

  it('an interrupted attempt closes its card with the note; the next attempt answers in a new card', async () => {
    const { adapter, bot } = build({ cardTemplateId: 'tpl.schema' });
    const sender = adapter.sender(bot);
    const first = await sender.openStream!(direct('card-int'));
    first.push('half an ans');
    await new Promise((r) => setTimeout(r, 100));
    await first.interrupt('_Interrupted, trying again…_');
    const [interrupted] = [...fake.cards.values()];
    expect(interrupted!.updates[0]).toMatchObject({ content: 'half an ans', isFinalize: false });
    expect(interrupted!.updates.at(-1)).toMatchObject({ content: '_Interrupted, trying again…_', isFinalize: true, isError: true });
    const closedWith = interrupted!.updates.length;
    first.push('a late delta of the dead attempt');
    await new Promise((r) => setTimeout(r, 60));
    // The next attempt: a card of its own; the interrupted one is not touched again.
    const second = await sender.openStream!(direct('card-int'));
    const log = new DeliveryLog();
    second.push('the whole');
    await second.finish({ text: 'the whole answer' }, log);
    const [, next] = [...fake.cards.values()];
    expect(fake.cards.size).toBe(2);
    expect(interrupted!.updates).toHaveLength(closedWith);
    expect(next!.updates.at(-1)).toMatchObject({ content: 'the whole answer', isFinalize: true, isError: false });
    expect(log.get('card')).toEqual({ text: true, ids: [next!.outTrackId], data: { outTrackId: next!.outTrackId } });
    expect(fake.sent).toEqual([]);
  });

  it('a run that failed for good shows the fallback in the card, not recorded as the answer', async () => {
    const { adapter, bot } = build({ cardTemplateId: 'tpl.schema' });
    const stream = await adapter.sender(bot).openStream!(group('card-fail'));
    const log = new DeliveryLog();
    await stream.fail({ text: 'Sorry, something went wrong.' }, log);
    const [card] = [...fake.cards.values()];
    expect(card!.updates.at(-1)).toMatchObject({ content: 'Sorry, something went wrong.', isFinalize: true, isError: true });
    expect(log.textDelivered).toBe(false);
  });

  it('without permission to create cards, the answer is still sent as a message', async () => {
    const { adapter, bot } = build({ cardTemplateId: 'tpl.schema' });
    fake.failNext('/v1.0/card/instances/createAndDeliver', { status: 403, code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied', message: 'no Card.Instance.Write' });
    const stream = await adapter.sender(bot).openStream!(group('card-denied'));
    stream.push('partial');
    await stream.finish({ text: 'whole answer' });
    expect(fake.cards.size).toBe(0);
    expect(fake.texts()).toEqual(['whole answer']);
  });
});
