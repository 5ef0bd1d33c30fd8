/**
 * WeCom retries a callback it got no 200 for within 5 s, three tries in total, with the very same signed request.
 * Each copy must be acked, and the three together must give one Dify run and one message/send: when they arrive
 * one after another, all at once, and across a process restart (same SQLite file, a new process each time).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDify } from '../fakes/fake-dify.js';
import { startFakeWecom, type FakeWecom } from '../fakes/fake-wecom.js';
import type { BuiltCallback } from '../fakes/fake-wecom-callbacks.js';
import { prepareTestEnv } from '../support/runtime.js';
import { APP, appCallbacks, sendCallback, settle, startNode, waitFor, wecomSecrets, wecomYaml, type WecomNode } from './wecom-support.js';

describe('WeCom retries of one callback: one run, one reply', () => {
  let dify: FakeDify;
  let wecom: FakeWecom;
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let node: WecomNode | undefined;
  const yaml = wecomYaml();

  beforeAll(async () => {
    dify = await FakeDify.start({ mode: 'chat', chunks: 3 });
    wecom = await startFakeWecom({ corpId: APP.corpId, secret: APP.secret, agentId: APP.agentId });
    ({ env, cleanup } = await prepareTestEnv({ database: 'sqlite', env: { WECOM_API_BASE: wecom.url } }));
    node = await startNode(env, yaml, wecomSecrets(dify));
  });
  afterAll(async () => {
    await node?.close();
    await cleanup?.();
    await wecom?.close();
    await dify?.close();
  });

  const sendsOf = (text: string) => wecom.sentMessages().filter((m) => JSON.stringify(m).includes(text));
  const rowsOf = (msgId: string) => node!.runtime.database.db.message.findMany({ where: { platformMessageId: msgId } });
  const message = (query: string, msgId: string): BuiltCallback => appCallbacks.appMessage({ MsgType: 'text', Content: query, MsgId: msgId });
  const deliver = async (built: BuiltCallback) => {
    const res = await sendCallback(node!.url, APP.botId, built);
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(0);
  };
  const expectOnce = async (query: string, msgId: string) => {
    await waitFor(() => sendsOf(query).length >= 1, 8_000, `the reply to "${query}"`);
    await settle(500); // room for a second run or send, if there were to be one
    expect(dify.runRequests().filter((r) => r.key === query)).toHaveLength(1);
    expect(sendsOf(query)).toHaveLength(1);
    const rows = await rowsOf(msgId);
    expect(rows).toHaveLength(1);
    await waitFor(async () => (await rowsOf(msgId))[0]?.status === 'replied', 5_000, 'status replied');
  };

  it('three copies one after another (the first already answered when the others arrive)', async () => {
    const query = 'retry: sequential copies';
    const built = message(query, '7400000000000000001');
    await deliver(built);
    await waitFor(() => sendsOf(query).length >= 1, 8_000, 'the first reply');
    await deliver(built);
    await deliver(built);
    await expectOnce(query, '7400000000000000001');
  });

  it('three copies one after another, faster than the run (the first still in flight)', async () => {
    dify.next({ headersDelayMs: 600 });
    const query = 'retry: sequential copies while running';
    const built = message(query, '7400000000000000002');
    for (let i = 0; i < 3; i++) await deliver(built);
    await expectOnce(query, '7400000000000000002');
  });

  it('three copies at once (parallel POSTs of the same signed request)', async () => {
    const query = 'retry: concurrent copies';
    const built = message(query, '7400000000000000003');
    const answers = await Promise.all([0, 1, 2].map(() => sendCallback(node!.url, APP.botId, built)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await expectOnce(query, '7400000000000000003');
  });

  it('three copies with a process restart between each (same SQLite file, new process state)', async () => {
    const query = 'retry: copies across restarts';
    const msgId = '7400000000000000004';
    const built = message(query, msgId);
    await deliver(built);
    await waitFor(() => sendsOf(query).length >= 1, 8_000, 'the first reply');
    for (let copy = 2; copy <= 3; copy++) {
      await node!.close();
      node = undefined;
      node = await startNode(env, yaml, wecomSecrets(dify));
      await deliver(built);
      await settle(300);
    }
    await expectOnce(query, msgId);
    // The new process answered normal traffic too: the restart did not just make it deaf.
    await deliver(message('after the restarts', '7400000000000000005'));
    await waitFor(() => sendsOf('after the restarts').length === 1, 8_000, 'a fresh message after the restarts');
  });
});
