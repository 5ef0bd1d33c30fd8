/**
 * WeCom smart bot, streaming, with a workflow that keeps failing: WeCom stops polling a stream at `finish: true`
 * and the response_url can be used once, so an attempt that fails while another follows must leave the stream open
 * (a "retrying" note inside the unfinished content), and the user must see the fallback text in the stream when the
 * message's retry budget ends. A refresh for a stream this server never opened is told to stop polling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FALLBACK_TEXT } from '../../src/workflow-client/settings.js';
import { FakeDify } from '../fakes/fake-dify.js';
import { startFakeWecom, type FakeWecom } from '../fakes/fake-wecom.js';
import { startE2E, type E2E } from '../support/e2e.js';
import { APP, sendCallback, settle, SMART, smartCallbacks, wecomSecrets, wecomYaml } from './wecom-support.js';

type StreamAnswer = {
  msgtype: string;
  stream: { id: string; finish: boolean; content: string };
};

const JOB_ATTEMPTS = 3;

describe('WeCom smart bot: a failing workflow never ends the stream with an interim note', () => {
  let dify: FakeDify;
  let wecom: FakeWecom;
  let e2e: E2E;

  beforeAll(async () => {
    dify = await FakeDify.start({ mode: 'chat', chunks: 3 });
    dify.script((req) => {
      if (req.key.startsWith('always failing')) return { status: 500 };
      if (req.key.startsWith('fails once') && req.callNumber === 1) return { status: 500 };
      return undefined;
    });
    wecom = await startFakeWecom({ corpId: APP.corpId, secret: APP.secret, agentId: APP.agentId });
    e2e = await startE2E({
      // One call per attempt: each failed attempt is followed by a queue retry, so the note has time to show.
      yaml: wecomYaml({ workflowSettings: ['retry: { attempts: 1 }'] }),
      secrets: wecomSecrets(dify),
      env: { WECOM_API_BASE: wecom.url, JOB_ATTEMPTS: String(JOB_ATTEMPTS), JOB_BACKOFF_MS: '800', JOB_MAX_BACKOFF_MS: '1000' },
    });
  });
  afterAll(async () => {
    await e2e?.close();
    await wecom?.close();
    await dify?.close();
  });

  const refresh = async (streamId: string, n: number): Promise<StreamAnswer['stream']> => {
    const built = smartCallbacks.smartBot({ msgid: `refresh-${streamId.slice(0, 6)}-${n}`, chattype: 'single', from: { userid: 'lisi' }, msgtype: 'stream', stream: { id: streamId } });
    const res = await sendCallback(e2e.web.url, SMART.botId, built);
    expect(res.status).toBe(200);
    const answer = smartCallbacks.decryptJsonReply(res.text) as StreamAnswer;
    expect(answer.msgtype).toBe('stream');
    expect(answer.stream.id).toBe(streamId);
    return answer.stream;
  };

  /** Sends the question, then polls like WeCom does (faster) and stops where WeCom stops: at the first finish. */
  const askAndPoll = async (msgid: string, query: string): Promise<{ streamId: string; seen: StreamAnswer['stream'][] }> => {
    const built = smartCallbacks.smartBot({ msgid, chattype: 'single', from: { userid: 'lisi' }, response_url: wecom.responseUrl(msgid), msgtype: 'text', text: { content: query } });
    const res = await sendCallback(e2e.web.url, SMART.botId, built);
    expect(res.status).toBe(200);
    const opened = smartCallbacks.decryptJsonReply(res.text) as StreamAnswer;
    expect(opened.stream).toMatchObject({ finish: false, content: '' });
    const seen: StreamAnswer['stream'][] = [];
    const deadline = Date.now() + 25_000;
    while (Date.now() < deadline) {
      const s = await refresh(opened.stream.id, seen.length);
      seen.push(s);
      if (s.finish) break;
      await settle(100);
    }
    return { streamId: opened.stream.id, seen };
  };

  it('keeps the stream open through the retries and finishes it with the fallback text', async () => {
    const query = 'always failing: what is my balance?';
    const { streamId, seen } = await askAndPoll('smart-retry-0001', query);
    const last = seen[seen.length - 1]!;
    expect(last.finish, 'the stream ended within the test').toBe(true);
    expect(last.content).toBe(DEFAULT_FALLBACK_TEXT);
    // While it was retrying, the unfinished content said so.
    expect(seen.some((s) => !s.finish && /trying again/i.test(s.content))).toBe(true);
    // Every attempt of the budget ran, and nothing went to the one-use response_url.
    expect(dify.runRequests().filter((r) => r.key === query)).toHaveLength(JOB_ATTEMPTS);
    expect(wecom.responses).toEqual([]);
    const row = await e2e.t.runtime.database.db.message.findFirst({ where: { text: query } });
    expect(row).toMatchObject({ status: 'failed', errorCode: 'workflow_upstream_failed', attempts: JOB_ATTEMPTS });
    // Refreshes after the end keep answering the final state.
    expect(await refresh(streamId, 999)).toMatchObject({ finish: true, content: DEFAULT_FALLBACK_TEXT });
  }, 40_000);

  it('a retry that succeeds finishes the stream with the answer', async () => {
    const query = 'fails once: and then?';
    const { seen } = await askAndPoll('smart-retry-0002', query);
    expect(seen.at(-1)).toMatchObject({ finish: true, content: `Echo: ${query}` });
    expect(dify.runRequests().filter((r) => r.key === query)).toHaveLength(2);
    expect(wecom.responses).toEqual([]);
    const row = await e2e.t.runtime.database.db.message.findFirst({ where: { text: query } });
    expect(row).toMatchObject({ status: 'replied', attempts: 2, errorCode: null });
  }, 30_000);

  it('answers a refresh for a stream it never opened with finish: true, so WeCom stops polling it', async () => {
    const unknown = await refresh('neverOpenedStreamId0000000000000', 0);
    expect(unknown.finish).toBe(true);
  });
});
