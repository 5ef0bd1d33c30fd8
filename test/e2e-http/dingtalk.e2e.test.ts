/**
 * DingTalk end to end through the real HTTP route: signed robot callback / encrypted event callback →
 * /hooks/dingtalk/<bot> → adapter (verify, decrypt, normalize) → inbox (SQLite) → worker → real Dify client → fake
 * Dify → real DingTalk API client → fake DingTalk. Configured through the declarative YAML with the names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDify } from '../fakes/fake-dify.js';
import { startFakeDingtalk, type FakeDingtalk } from '../fakes/fake-dingtalk.js';
import { OFFICIAL_CHECK_URL } from '../fakes/fake-dingtalk-callbacks.js';
import { startE2E, type E2E } from '../support/e2e.js';
import { BOTS, callbacks, CARD_TEMPLATE, DT, dingtalkSecrets, dingtalkYaml, message, officialCallbacks, sendDingtalk } from './dingtalk-support.js';
import { errorBody, settle, waitFor } from './wecom-support.js';

describe('DingTalk end to end through /hooks/dingtalk (real adapter, real Dify client, fakes over HTTP)', () => {
  let dify: FakeDify;
  let dt: FakeDingtalk;
  let e2e: E2E;

  beforeAll(async () => {
    dify = await FakeDify.start({ mode: 'chat', chunks: 4 });
    // "slow…" streams eight deltas 250 ms apart; "fail…" is refused by Dify for good.
    dify.script((req) => {
      if (req.key.startsWith('slow')) return { chunkDelayMs: 250, chunks: 8 };
      if (req.key.startsWith('fail')) return { status: 400, errorCode: 'invalid_param', errorMessage: 'the workflow refused' };
      return undefined;
    });
    dt = await startFakeDingtalk({ clientId: DT.clientId, clientSecret: DT.clientSecret });
    e2e = await startE2E({ yaml: dingtalkYaml({ apiBase: dt.url }), secrets: dingtalkSecrets(dify) });
  });
  afterAll(async () => {
    await e2e?.close();
    await dt?.close();
    await dify?.close();
  });

  const db = () => e2e.t.runtime.database.db;
  const runsFor = (query: string) => dify.runRequests().filter((r) => r.key === query);
  const replied = (msgId: string) => waitFor(async () => (await db().message.count({ where: { platformMessageId: msgId, status: 'replied' } })) === 1, 10_000, `message ${msgId} replied`);

  describe('event callback URL check with the public check_url sample', () => {
    const v = OFFICIAL_CHECK_URL;
    const search = `msg_signature=${v.msgSignature}&timeStamp=${v.timeStamp}&nonce=${v.nonce}`;
    const body = JSON.stringify({ encrypt: v.encrypt });

    it('decrypts through the real route and answers the encrypted "success" with a valid signature', async () => {
      const res = await sendDingtalk(e2e.web.url, BOTS.official, { method: 'POST', query: {}, search, headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(body), signedAt: 0 });
      expect(res.status).toBe(200);
      expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
      const answer = JSON.parse(res.text) as Record<string, string>;
      expect(Object.keys(answer).sort()).toEqual(['encrypt', 'msg_signature', 'nonce', 'timeStamp']);
      expect(answer.timeStamp).toMatch(/^\d{13}$/);
      expect(officialCallbacks.decryptAnswer(answer)).toBe('success');
    });

    it('the same 2020 sample on a bot with the default 1 h window is a stale replay: opaque 401', async () => {
      const res = await sendDingtalk(e2e.web.url, BOTS.officialWindowed, { method: 'POST', query: {}, search, headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(body), signedAt: 0 });
      expect(res.status).toBe(401);
      expect(errorBody(res)).toEqual({ code: 'unauthorized', message: 'unauthorized' });
    });

    it('a fresh encrypted event is acknowledged with the encrypted success and starts no run', async () => {
      const before = dify.runRequests().length;
      const res = await sendDingtalk(e2e.web.url, BOTS.event, callbacks.event({ EventType: 'chat_update_title', ChatId: 'chat1', Title: '研发群' }));
      expect(res.status).toBe(200);
      expect(callbacks.decryptAnswer(res.text)).toBe('success');
      await settle(200);
      expect(dify.runRequests().length).toBe(before);
    });
  });

  describe('robot HTTP callbacks', () => {
    it('a group @-message is answered in the same group through its sessionWebhook', async () => {
      const query = 'What is our leave policy? <b>& 你好</b>';
      const session = dt.sessionWebhook('grp-1');
      const msg = message('robot-text-group', { msgId: 'msgE2eGroup0001==', text: { content: ` ${query}` }, sessionWebhook: session });
      const res = await sendDingtalk(e2e.web.url, BOTS.robot, callbacks.robot(msg));
      expect(res.status).toBe(200);
      await replied('msgE2eGroup0001==');
      await settle(200);
      const sent = dt.sent.filter((s) => s.via === 'session' && s.session === 'grp-1');
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ body: { msgtype: 'markdown', markdown: { text: `Echo: ${query.replace('<b>', '&lt;b&gt;').replace('</b>', '&lt;/b&gt;')}` } } });
      expect(runsFor(query)).toHaveLength(1);
    });

    it('once the sessionWebhook has expired, a group reply goes through groupMessages/send to the same conversation', async () => {
      const query = 'late group question';
      const msg = message('robot-text-group', {
        msgId: 'msgE2eGroup0002==',
        text: { content: query },
        sessionWebhook: dt.sessionWebhook('grp-old'),
        sessionWebhookExpiredTime: Date.now() - 1000,
      });
      expect((await sendDingtalk(e2e.web.url, BOTS.robot, callbacks.robot(msg))).status).toBe(200);
      await replied('msgE2eGroup0002==');
      const sent = dt.sent.filter((s) => s.via === 'group' && JSON.stringify(s).includes(query));
      expect(sent).toEqual([
        expect.objectContaining({ via: 'group', robotCode: DT.clientId, openConversationId: msg.conversationId, msgKey: 'sampleMarkdown', msgParam: { title: `Echo: ${query}`, text: `Echo: ${query}` } }),
      ]);
    });

    it('a 1:1 message is answered to that user (batchSend when the sessionWebhook is gone)', async () => {
      const query = '请问年假怎么申请？';
      const msg = message('robot-text-single', { msgId: 'msgE2eSingle001==', sessionWebhook: dt.sessionWebhook('one-old', { expired: true }) });
      expect((await sendDingtalk(e2e.web.url, BOTS.robot, callbacks.robot(msg))).status).toBe(200);
      await replied('msgE2eSingle001==');
      // DingTalk refused the expired session; the answer went to the user through the robot API.
      expect(dt.callsTo('/robot/sendBySession').length).toBeGreaterThanOrEqual(1);
      const oto = dt.sent.filter((s) => s.via === 'oto' && JSON.stringify(s).includes(query));
      expect(oto).toHaveLength(1);
      expect(oto[0]).toMatchObject({ userIds: ['manager4220'], robotCode: DT.clientId, msgKey: 'sampleMarkdown' });
    });

    it('a group message without an @-mention is ignored under groupPolicy: mentions', async () => {
      const msg = message('robot-text-group', { msgId: 'msgE2eNoMention==', isInAtList: false, text: { content: 'chatter' } });
      expect((await sendDingtalk(e2e.web.url, BOTS.robot, callbacks.robot(msg))).status).toBe(200);
      await settle(300);
      expect(await db().message.count({ where: { platformMessageId: 'msgE2eNoMention==' } })).toBe(0);
    });

    it('rejects a wrong secret, a stale and a future timestamp with an opaque 401', async () => {
      const msg = message('robot-text-single', { msgId: 'msgE2eRejected01==' });
      for (const built of [callbacks.robot(msg, { secret: 'not-the-secret' }), callbacks.robot(msg, { now: Date.now() - 3_601_000 }), callbacks.robot(msg, { now: Date.now() + 3_601_000 })]) {
        const res = await sendDingtalk(e2e.web.url, BOTS.robot, built);
        expect(res.status).toBe(401);
        expect(errorBody(res)).toEqual({ code: 'unauthorized', message: 'unauthorized' });
      }
      const reasons = (await e2e.t.runtime.metrics.verificationFailures.get()).values.filter((v) => v.labels.platform === 'dingtalk').map((v) => v.labels.reason);
      expect(reasons).toEqual(expect.arrayContaining(['bad_signature', 'stale_timestamp', 'future_timestamp']));
      expect(await db().message.count({ where: { platformMessageId: 'msgE2eRejected01==' } })).toBe(0);
    });

    it('the same msgId delivered three times in a row and three times at once gives one run and one reply each', async () => {
      for (const [msgId, concurrent] of [['msgE2eDupSeq0001==', false], ['msgE2eDupPar0001==', true]] as const) {
        const query = `duplicate ${msgId}`;
        const session = dt.sessionWebhook(`dup-${msgId}`);
        const msg = message('robot-text-single', { msgId, text: { content: query }, sessionWebhook: session });
        const send = () => sendDingtalk(e2e.web.url, BOTS.robot, callbacks.robot(msg));
        const answers = concurrent ? await Promise.all([send(), send(), send()]) : [await send(), await send(), await send()];
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
        await replied(msgId);
        await settle(400);
        expect(runsFor(query)).toHaveLength(1);
        expect(dt.sent.filter((s) => s.via === 'session' && s.session === `dup-${msgId}`)).toHaveLength(1);
      }
    });

    it('the event_http bot also takes robot callbacks on its URL', async () => {
      const query = 'robot message on the event URL';
      const msg = message('robot-text-single', { msgId: 'msgE2eEventBot1==', text: { content: query }, sessionWebhook: dt.sessionWebhook('evt-1') });
      expect((await sendDingtalk(e2e.web.url, BOTS.event, callbacks.robot(msg))).status).toBe(200);
      await replied('msgE2eEventBot1==');
      expect(dt.texts()).toContain(`Echo: ${query}`);
    });

    it('a token DingTalk rejects mid-run is refreshed once and the reply goes out exactly once', async () => {
      dt.expireTokens();
      const tokensBefore = dt.callsTo('/v1.0/oauth2/accessToken').length;
      const query = 'token rejected mid-run';
      const msg = message('robot-text-group', { msgId: 'msgE2eToken0001==', text: { content: query }, sessionWebhookExpiredTime: Date.now() - 1 });
      expect((await sendDingtalk(e2e.web.url, BOTS.robot, callbacks.robot(msg))).status).toBe(200);
      await replied('msgE2eToken0001==');
      expect(dt.callsTo('/v1.0/oauth2/accessToken').length - tokensBefore).toBe(1);
      expect(dt.sent.filter((s) => s.via === 'group' && JSON.stringify(s).includes(query))).toHaveLength(1);
    });
  });

  describe('AI-card streaming', () => {
    it('creates the card at once in its thinking state, streams growing text, and finalizes with the answer', async () => {
      const query = 'slow: tell me about the sea';
      const msg = message('robot-text-group', { msgId: 'msgE2eCard00001==', text: { content: query } });
      expect((await sendDingtalk(e2e.web.url, BOTS.card, callbacks.robot(msg))).status).toBe(200);
      await replied('msgE2eCard00001==');
      const card = [...dt.cards.values()].find((c) => c.openSpaceId === `dtv1.card//IM_GROUP.${msg.conversationId}` && c.updates.some((u) => u.content.includes('sea')));
      expect(card).toBeDefined();
      expect(card!.cardTemplateId).toBe(CARD_TEMPLATE);
      expect(card!.cardParamMap).toEqual({ content: '', flowStatus: '1' });
      expect(card!.request).toMatchObject({ imGroupOpenDeliverModel: { robotCode: DT.clientId }, callbackType: 'STREAM' });
      const updates = card!.updates;
      const final = updates.at(-1)!;
      expect(final).toMatchObject({ key: 'content', content: `Echo: ${query}`, isFull: true, isFinalize: true, isError: false });
      const partials = updates.filter((u) => !u.isFinalize);
      expect(partials.length).toBeGreaterThanOrEqual(1);
      for (let i = 1; i < updates.length; i++) expect(updates[i]!.content.startsWith(updates[i - 1]!.content)).toBe(true);
      expect(partials.some((p) => p.content.length < final.content.length)).toBe(true);
      // The card was the answer: no extra message.
      expect(dt.texts().filter((t) => t.includes(query))).toHaveLength(0);
    });

    it('a workflow failure leaves the card in its error state with the fallback text', async () => {
      const query = 'fail: this one breaks';
      const msg = message('robot-text-single', { msgId: 'msgE2eCardFail1==', text: { content: query } });
      expect((await sendDingtalk(e2e.web.url, BOTS.card, callbacks.robot(msg))).status).toBe(200);
      await waitFor(async () => (await db().message.count({ where: { platformMessageId: 'msgE2eCardFail1==', status: 'failed' } })) === 1, 10_000, 'the message to fail');
      await settle(300);
      const card = [...dt.cards.values()].find((c) => c.openSpaceId === 'dtv1.card//IM_ROBOT.manager4220' && c.updates.some((u) => u.isError));
      expect(card).toBeDefined();
      const last = card!.updates.at(-1)!;
      expect(last).toMatchObject({ isFinalize: true, isError: true });
      expect(last.content.length).toBeGreaterThan(0);
      expect(last.content).not.toContain(query);
    });
  });
});
