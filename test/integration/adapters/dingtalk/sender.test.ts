/**
 * The DingTalk API client, sender and AI-card stream against the fake DingTalk API: token sharing, per-part
 * progress across retries, rate limits, quota, files both ways, channels, and cards that are never left spinning.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDingtalkAdapter } from '../../../../src/adapters/dingtalk/adapter.js';
import { DingtalkApiError } from '../../../../src/adapters/dingtalk/errors.js';
import type { ReplyTarget } from '../../../../src/adapters/types.js';
import { startFakeDingtalk, type FakeDingtalk } from '../../../fakes/fake-dingtalk.js';
import { dingtalkBot, DT_KEYS } from '../../../unit/adapters/dingtalk/helpers.js';
import { capturingLogger, recordingKv } from '../wecom/support.js';

let fake: FakeDingtalk;
beforeAll(async () => {
  fake = await startFakeDingtalk({ clientId: DT_KEYS.clientId, clientSecret: DT_KEYS.clientSecret, invalidUsers: ['ghost'] });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

function build(o: { kv?: ReturnType<typeof recordingKv>; cardTemplateId?: string; replyFormat?: string } = {}) {
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

  it('a retried send never re-posts a part already delivered', async () => {
    const { adapter, bot } = build();
    const sender = adapter.sender(bot);
    const paragraph = (i: number) => `Part ${i}: ${'细节'.repeat(900)}`;
    const text = [paragraph(1), paragraph(2), paragraph(3)].join('\n\n');
    // The first part goes out; the second fails for the whole in-call budget (3 attempts).
    fake.failNext('/v1.0/robot/groupMessages/send', { status: 500, code: 'ServiceUnavailable', message: 'busy' }, 3, 1);
    const err = await rejection(sender.send(group('prog-1'), { text }));
    expect(err.retryable).toBe(true);
    const parts = () => fake.sent.map((s) => (s.via === 'group' ? String(s.msgParam.text).slice(0, 6) : ''));
    expect(parts()).toEqual(['Part 1']);
    // The job's retry: only what is missing.
    await sender.send(group('prog-1'), { text });
    expect(parts()).toEqual(['Part 1', 'Part 2', 'Part 3']);
    // A different answer to the same message is its own set of parts.
    await sender.send(group('prog-1'), { text: 'fallback' });
    expect(parts()).toHaveLength(4);
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

  it('after a finalized card, a plain send of the same answer (job retried after the send step) delivers only the rest', async () => {
    const { adapter, bot } = build({ cardTemplateId: 'tpl.schema' });
    const sender = adapter.sender(bot);
    const answer = Array.from({ length: 20 }, (_, i) => `Row ${i} ${'y'.repeat(40)}`).join('\n');
    const stream = await sender.openStream!(group('card-rest'));
    fake.failNext('/v1.0/robot/groupMessages/send', { status: 400, code: 'InvalidParameter', message: 'boom' });
    await expect(stream.finish({ text: answer })).rejects.toBeInstanceOf(DingtalkApiError);
    await sender.send(group('card-rest'), { text: answer });
    const card = [...fake.cards.values()][0]!;
    expect(card.updates.at(-1)!.content + fake.texts().join('')).toBe(answer);
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
