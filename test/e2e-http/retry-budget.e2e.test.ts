/**
 * One retry budget per message (JOB_ATTEMPTS tries in all — every workflow call inside a job and every job retry —
 * and JOB_TIME_BUDGET_MS from the first try), kept on the message row so a restart does not start it over; and a
 * circuit breaker that one always-failing input cannot open for everybody. WeCom app bot through the real route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FALLBACK_TEXT } from '../../src/workflow-client/settings.js';
import { FakeDify } from '../fakes/fake-dify.js';
import { startFakeWecom, type FakeWecom } from '../fakes/fake-wecom.js';
import { startE2E, type E2E } from '../support/e2e.js';
import { prepareTestEnv } from '../support/runtime.js';
import { APP, appCallbacks, sendCallback, settle, startNode, waitFor, wecomSecrets, wecomYaml, type WecomNode } from './wecom-support.js';

const sentTo = (wecom: FakeWecom, user: string) =>
  (wecom.sentMessages() as { touser: string; text?: { content: string } }[]).filter((m) => m.touser === user).map((m) => m.text?.content ?? '');

const ask = (url: string, query: string, msgId: string, user: string) =>
  sendCallback(url, APP.botId, appCallbacks.appMessage({ MsgType: 'text', Content: query, MsgId: msgId, FromUserName: user }));

describe('retry budget and circuit breaker (WeCom app end to end)', () => {
  let dify: FakeDify;
  let wecom: FakeWecom;

  beforeAll(async () => {
    dify = await FakeDify.start({ mode: 'chat', chunks: 2 });
    dify.script((req) => (req.key.startsWith('poison') ? { status: 500 } : undefined));
    wecom = await startFakeWecom({ corpId: APP.corpId, secret: APP.secret, agentId: APP.agentId });
  });
  afterAll(async () => {
    await wecom?.close();
    await dify?.close();
  });

  describe('an input that always fails', () => {
    const JOB_ATTEMPTS = 6;
    let e2e: E2E;
    beforeAll(async () => {
      e2e = await startE2E({
        // Three failures in a row would open the breaker for a minute, if one input could do it alone.
        yaml: wecomYaml({ workflowSettings: ['retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 }', 'breaker: { failureThreshold: 3, cooldownMs: 60000 }'] }),
        secrets: wecomSecrets(dify),
        env: { WECOM_API_BASE: wecom.url, JOB_ATTEMPTS: String(JOB_ATTEMPTS) },
      });
    });
    afterAll(async () => {
      await e2e?.close();
    });

    it('uses its budget across in-call and queue retries, fails with the fallback, and does not open the breaker for others', async () => {
      const query = 'poison: summarise this';
      expect((await ask(e2e.web.url, query, '7600000000000000001', 'poisoner')).status).toBe(200);
      const db = e2e.t.runtime.database.db;
      const row = () => db.message.findFirst({ where: { platformMessageId: '7600000000000000001' } });
      await waitFor(async () => (await row())?.status === 'failed', 15_000, 'the poison message to fail');
      // JOB_ATTEMPTS tries in all: four inside the first job, two in the retried job.
      expect(dify.runRequests().filter((r) => r.key === query)).toHaveLength(JOB_ATTEMPTS);
      expect(await row()).toMatchObject({ status: 'failed', errorCode: 'workflow_upstream_failed', attempts: JOB_ATTEMPTS });
      await waitFor(() => sentTo(wecom, 'poisoner').length > 0, 5_000, 'the fallback');
      expect(sentTo(wecom, 'poisoner')).toEqual([DEFAULT_FALLBACK_TEXT]);

      // Someone else asks right after: Dify is healthy, so the answer comes at once.
      expect((await ask(e2e.web.url, 'what are your opening hours?', '7600000000000000002', 'bystander')).status).toBe(200);
      await waitFor(() => sentTo(wecom, 'bystander').length > 0, 5_000, 'the bystander to be answered');
      expect(sentTo(wecom, 'bystander')).toEqual(['Echo: what are your opening hours?']);
      expect(await db.run.count({ where: { errorCode: 'circuit_open' } })).toBe(0);
    }, 30_000);
  });

  it('keeps the budget on the message row: a restart continues it instead of starting over', async () => {
    const JOB_ATTEMPTS = 3;
    const { env, cleanup } = await prepareTestEnv({
      database: 'sqlite',
      // Retries 1–4 s apart: time to stop the process between two tries.
      env: { WECOM_API_BASE: wecom.url, JOB_ATTEMPTS: String(JOB_ATTEMPTS), JOB_BACKOFF_MS: '4000', JOB_MAX_BACKOFF_MS: '4000' },
    });
    const yaml = wecomYaml({ workflowSettings: ['retry: { attempts: 1 }'] });
    let node: WecomNode | undefined = await startNode(env, yaml, wecomSecrets(dify));
    try {
      const query = 'poison: across a restart';
      const msgId = '7600000000000000003';
      expect((await ask(node.url, query, msgId, 'restarter')).status).toBe(200);
      const row = () => node!.runtime.database.db.message.findFirst({ where: { platformMessageId: msgId } });
      await waitFor(async () => {
        const r = await row();
        return r?.status === 'queued' && r.attempts === 1 && r.errorCode !== null;
      }, 10_000, 'the first try to fail');
      await node.close();
      node = undefined;
      expect(dify.runRequests().filter((r) => r.key === query)).toHaveLength(1);

      node = await startNode(env, yaml, wecomSecrets(dify));
      await waitFor(async () => (await row())?.status === 'failed', 20_000, 'the message to fail after the restart');
      await settle(300);
      expect(dify.runRequests().filter((r) => r.key === query)).toHaveLength(JOB_ATTEMPTS);
      expect(await row()).toMatchObject({ status: 'failed', attempts: JOB_ATTEMPTS });
      expect(sentTo(wecom, 'restarter')).toEqual([DEFAULT_FALLBACK_TEXT]);
    } finally {
      await node?.close();
      await cleanup();
    }
  }, 45_000);

  it('ends the message when the time budget is spent, however many attempts remain', async () => {
    const e2e = await startE2E({
      yaml: wecomYaml({ workflowSettings: ['retry: { attempts: 1 }'] }),
      secrets: wecomSecrets(dify),
      env: { WECOM_API_BASE: wecom.url, JOB_ATTEMPTS: '50', JOB_TIME_BUDGET_MS: '1500', JOB_BACKOFF_MS: '300', JOB_MAX_BACKOFF_MS: '300' },
    });
    try {
      const query = 'poison: out of time';
      const started = Date.now();
      expect((await ask(e2e.web.url, query, '7600000000000000004', 'hurried')).status).toBe(200);
      const row = () => e2e.t.runtime.database.db.message.findFirst({ where: { platformMessageId: '7600000000000000004' } });
      await waitFor(async () => (await row())?.status === 'failed', 15_000, 'the message to fail');
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(1_400);
      const final = await row();
      expect(final!.attempts).toBeLessThan(15);
      expect(final!.firstAttemptAt).not.toBeNull();
      await waitFor(() => sentTo(wecom, 'hurried').length > 0, 5_000, 'the fallback');
      expect(sentTo(wecom, 'hurried')).toEqual([DEFAULT_FALLBACK_TEXT]);
    } finally {
      await e2e.close();
    }
  }, 30_000);
});
