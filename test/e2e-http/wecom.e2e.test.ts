/**
 * WeCom end to end through the real HTTP route: encrypted callback → /hooks/wecom/<bot> → adapter (verify, decrypt,
 * parse) → inbox (SQLite) → worker → real Dify client → fake Dify → real WeCom API client → fake WeCom.
 * Everything is configured through the declarative YAML, the platform API base through WECOM_API_BASE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDify } from '../fakes/fake-dify.js';
import { startFakeWecom, type FakeWecom } from '../fakes/fake-wecom.js';
import { OFFICIAL_VECTOR } from '../fakes/fake-wecom-callbacks.js';
import { startE2E, type E2E } from '../support/e2e.js';
import {
  APP,
  appCallbacks,
  errorBody,
  OFFICIAL_BOT,
  OFFICIAL_BOT_WINDOWED,
  rawRequest,
  sendCallback,
  settle,
  SMART,
  smartCallbacks,
  TOKEN_APP,
  waitFor,
  wecomSecrets,
  wecomYaml,
} from './wecom-support.js';

describe('WeCom end to end through /hooks/wecom (real adapter, real Dify client, fakes over HTTP)', () => {
  let dify: FakeDify;
  let wecom: FakeWecom;
  /** A second fake WeCom API, only for the token-expiry bot (its call counts start from zero). */
  let wecomTok: FakeWecom;
  let e2e: E2E;

  beforeAll(async () => {
    dify = await FakeDify.start({ mode: 'chat', chunks: 4 });
    // Queries starting with "slow" stream six deltas 300 ms apart; everything else answers in one burst.
    dify.script((req) => (req.key.startsWith('slow') ? { chunkDelayMs: 300, chunks: 6 } : undefined));
    wecom = await startFakeWecom({ corpId: APP.corpId, secret: APP.secret, agentId: APP.agentId });
    wecomTok = await startFakeWecom({ corpId: APP.corpId, secret: APP.secret, agentId: APP.agentId });
    e2e = await startE2E({
      yaml: wecomYaml({ tokenApiBase: wecomTok.url }),
      secrets: wecomSecrets(dify),
      env: { WECOM_API_BASE: wecom.url },
    });
  });
  afterAll(async () => {
    await e2e?.close();
    await wecomTok?.close();
    await wecom?.close();
    await dify?.close();
  });

  const db = () => e2e.t.runtime.database.db;
  const runsFor = (query: string) => dify.runRequests().filter((r) => r.key === query);

  describe('URL check (GET) with the official sample vector', () => {
    const v = OFFICIAL_VECTOR;
    const query = `msg_signature=${v.msgSignature}&timestamp=${v.timestamp}&nonce=${v.nonce}&echostr=${encodeURIComponent(v.echostr)}`;

    it('answers exactly 1616140317555161061: text/plain, no quotes, no newline, no BOM', async () => {
      const res = await rawRequest(e2e.web.url, 'GET', `/hooks/wecom/${OFFICIAL_BOT}?${query}`);
      expect(res.status).toBe(200);
      expect(res.body.equals(Buffer.from(v.answer, 'ascii'))).toBe(true);
      expect(res.body.length).toBe(19);
      expect(String(res.headers['content-type'])).toMatch(/^text\/plain/);
      expect(res.headers['content-length']).toBe('19');
    });

    it('the same 2014 vector is a stale replay on a bot with the default ±600 s window: opaque 401', async () => {
      const res = await rawRequest(e2e.web.url, 'GET', `/hooks/wecom/${OFFICIAL_BOT_WINDOWED}?${query}`);
      expect(res.status).toBe(401);
      expect(errorBody(res)).toEqual({ code: 'unauthorized', message: 'unauthorized' });
      const reasons = (await e2e.t.runtime.metrics.verificationFailures.get()).values;
      expect(reasons.find((r) => r.labels.reason === 'stale_timestamp')?.value).toBe(1);
    });

    it('a fresh URL check on the app bot echoes a generated echostr (with + / = in it) byte-exact', async () => {
      const plain = '8472634691849126349';
      const res = await sendCallback(e2e.web.url, APP.botId, appCallbacks.urlCheck(plain));
      expect(res.status).toBe(200);
      expect(res.text).toBe(plain);
    });
  });

  describe('app mode', () => {
    it('an encrypted text message is answered through message/send to its sender, with the agent id and the Dify answer', async () => {
      const query = 'What is our leave policy? <b>& 你好</b>';
      const sendsBefore = wecom.sentMessages().length;
      const built = appCallbacks.appMessage({ MsgType: 'text', Content: query, MsgId: '7300000000000000001', FromUserName: 'zhangsan' });
      const res = await sendCallback(e2e.web.url, APP.botId, built);
      // The ack: an empty 200, at once, before any work.
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(0);
      expect(String(res.headers['content-type'])).toMatch(/^text\/plain/);

      await waitFor(() => wecom.sentMessages().length > sendsBefore, 8_000, 'the reply through message/send');
      await settle(300);
      const sent = wecom.sentMessages().slice(sendsBefore) as Array<Record<string, unknown>>;
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ touser: 'zhangsan', agentid: Number(APP.agentId), msgtype: 'text' });
      expect((sent[0]!.text as { content: string }).content).toBe(`Echo: ${query}`);
      // One run, with the message text as the Dify query and the WeCom user as the Dify user.
      const runs = runsFor(query);
      expect(runs).toHaveLength(1);
      expect(String((runs[0]!.body as { user?: string }).user)).toContain('zhangsan');
      // The message is stored with its exact 64-bit MsgId and ends replied.
      await waitFor(async () => (await db().message.count({ where: { platformMessageId: '7300000000000000001', status: 'replied' } })) === 1, 5_000, 'status replied');
    });
  });

  describe('smart-bot mode', () => {
    it('without streaming: empty ack, then one reply through response_url', async () => {
      const query = 'smart bot, no stream please';
      const responseUrl = wecom.responseUrl('ns-1');
      const before = wecom.responses.length;
      const built = smartCallbacks.smartBot({
        msgid: 'smart-ns-0001',
        chattype: 'single',
        from: { userid: 'lisi' },
        response_url: responseUrl,
        msgtype: 'text',
        text: { content: query },
      });
      const res = await sendCallback(e2e.web.url, SMART.nonStreamingBotId, built);
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(0);
      await waitFor(() => wecom.responses.length > before, 8_000, 'the response_url reply');
      await settle(200);
      expect(wecom.responses.slice(before)).toEqual([{ msgtype: 'text', text: { content: `Echo: ${query}` } }]);
      expect(runsFor(query)).toHaveLength(1);
    });

    it('with streaming: the ack opens a stream; refreshes show the cumulative partial text while Dify streams, then finish', async () => {
      const query = 'slow: tell me a long story about the sea';
      const finalText = `Echo: ${query}`;
      const built = smartCallbacks.smartBot({
        msgid: 'smart-stream-0001',
        chattype: 'single',
        from: { userid: 'wangwu' },
        response_url: wecom.responseUrl('stream-1'),
        msgtype: 'text',
        text: { content: query },
      });
      const res = await sendCallback(e2e.web.url, SMART.botId, built);
      expect(res.status).toBe(200);
      expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
      const envelope = JSON.parse(res.text) as Record<string, string>;
      expect(Object.keys(envelope).sort()).toEqual(['encrypt', 'msgsignature', 'nonce', 'timestamp']);
      const first = smartCallbacks.decryptJsonReply(envelope) as { msgtype: string; stream: { id: string; finish: boolean; content: string } };
      expect(first.msgtype).toBe('stream');
      expect(first.stream).toMatchObject({ finish: false, content: '' });
      const streamId = first.stream.id;
      expect(streamId).toMatch(/^[A-Za-z0-9_-]{16,}$/);

      // Poll like WeCom does (faster): every refresh is a fresh encrypted, signed callback.
      const seen: Array<{ content: string; finish: boolean; difyStreaming: boolean }> = [];
      const deadline = Date.now() + 8_000;
      while (Date.now() < deadline) {
        const refresh = smartCallbacks.smartBot({ msgid: `refresh-${seen.length}`, chattype: 'single', from: { userid: 'wangwu' }, msgtype: 'stream', stream: { id: streamId } });
        const r = await sendCallback(e2e.web.url, SMART.botId, refresh);
        expect(r.status).toBe(200);
        const answer = smartCallbacks.decryptJsonReply(r.text) as { msgtype: string; stream: { id: string; finish: boolean; content: string } };
        expect(answer.msgtype).toBe('stream');
        expect(answer.stream.id).toBe(streamId);
        seen.push({ content: answer.stream.content, finish: answer.stream.finish, difyStreaming: dify.openStreams > 0 });
        if (answer.stream.finish) break;
        await settle(100);
      }
      const last = seen[seen.length - 1]!;
      expect(last).toMatchObject({ finish: true, content: finalText });
      const partials = seen.filter((s) => !s.finish && s.content.length > 0);
      // Every unfinished answer is a prefix of the final text; at least one showed partial text (non-empty and
      // shorter than the answer) while Dify was still streaming.
      for (const p of partials) expect(finalText.startsWith(p.content)).toBe(true);
      expect(partials.filter((p) => p.content.length < finalText.length && p.difyStreaming).length).toBeGreaterThanOrEqual(1);
      // Cumulative: each refresh shows at least what the one before showed.
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.content.startsWith(seen[i - 1]!.content)).toBe(true);
      const run = runsFor(query)[0]!;
      expect(run).toBeDefined();
      expect(run.outcome === undefined || run.outcome === 'answered').toBe(true);
      // Refresh callbacks are answered, never stored or run.
      expect(await db().message.count({ where: { platformMessageId: { startsWith: 'refresh-' } } })).toBe(0);
      expect(runsFor(query)).toHaveLength(1);
      // No response_url handover: the stream delivered the answer.
      expect(wecom.responses.some((r) => JSON.stringify(r).includes('tell me a long story'))).toBe(false);
    });
  });

  describe('token expiry mid-run', () => {
    it('42001 on message/send → the token is refreshed once and the reply goes out exactly once', async () => {
      wecomTok.failNext('/cgi-bin/message/send', 42001);
      const query = 'token expiry: still answered?';
      const built = appCallbacks.appMessage({ MsgType: 'text', Content: query, MsgId: '7300000000000000042', FromUserName: 'zhaoliu' });
      const res = await sendCallback(e2e.web.url, TOKEN_APP.botId, built);
      expect(res.status).toBe(200);
      await waitFor(() => wecomTok.sentMessages().length >= 1, 8_000, 'the reply after the token refresh');
      await waitFor(async () => (await db().message.count({ where: { platformMessageId: '7300000000000000042', status: 'replied' } })) === 1, 5_000, 'status replied');
      await settle(500);

      const tokens = wecomTok.callsTo('/cgi-bin/gettoken');
      const sends = wecomTok.callsTo('/cgi-bin/message/send');
      expect(tokens).toHaveLength(2); // the first token, then one refresh
      expect(sends).toHaveLength(2); // the rejected call and its single retry
      expect(sends[0]!.query.access_token).toBe('tok-1');
      expect(sends[1]!.query.access_token).toBe('tok-2');
      expect(wecomTok.sentMessages()).toEqual([{ touser: 'zhaoliu', agentid: Number(APP.agentId), msgtype: 'text', text: { content: `Echo: ${query}` } }]);
      expect(runsFor(query)).toHaveLength(1); // the workflow is not run again because the send needed a new token
    });

    it('a token WeCom invalidated before its expiry (real 42001 from the API) is refreshed the same way', async () => {
      wecomTok.expireTokens();
      const tokensBefore = wecomTok.callsTo('/cgi-bin/gettoken').length;
      const sendsBefore = wecomTok.callsTo('/cgi-bin/message/send').length;
      const query = 'token invalidated early';
      const res = await sendCallback(e2e.web.url, TOKEN_APP.botId, appCallbacks.appMessage({ MsgType: 'text', Content: query, MsgId: '7300000000000000043' }));
      expect(res.status).toBe(200);
      await waitFor(() => wecomTok.sentMessages().length >= 2, 8_000, 'the second reply');
      await settle(300);
      expect(wecomTok.callsTo('/cgi-bin/gettoken').length - tokensBefore).toBe(1);
      expect(wecomTok.callsTo('/cgi-bin/message/send').length - sendsBefore).toBe(2);
      expect(wecomTok.sentMessages().filter((m) => JSON.stringify(m).includes(query))).toHaveLength(1);
    });
  });
});
