/**
 * Scaled mode: two Switchboard nodes (web + worker each, here in one test process) share one database and each holds
 * a Stream connection of the same app.
 * DingTalk may deliver a message to either connection (the official FAQ: one picked at random per push), and may
 * repeat it on another. What this fake does is printed and asserted; correctness does not depend on it: every
 * message is answered exactly once, whichever connection (or connections) it came through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDify } from '../fakes/fake-dify.js';
import { startFakeDingtalk, type FakeDingtalk } from '../fakes/fake-dingtalk.js';
import { startFakeDingtalkStream, type FakeDingtalkStream } from '../fakes/fake-dingtalk-stream.js';
import { prepareTestEnv } from '../support/runtime.js';
import { DT, dingtalkSecrets, dingtalkYaml, message, startDingtalkNode, type DingtalkNode } from './dingtalk-support.js';
import { settle, waitFor } from './wecom-support.js';

describe('DingTalk Stream with two Switchboard nodes holding connections of one app', () => {
  let dify: FakeDify;
  let dt: FakeDingtalk;
  let gw: FakeDingtalkStream;
  const nodes: DingtalkNode[] = [];
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    dify = await FakeDify.start({ mode: 'chat', chunks: 2 });
    dt = await startFakeDingtalk({ clientId: DT.clientId, clientSecret: DT.clientSecret });
    gw = await startFakeDingtalkStream({ clientId: DT.clientId, clientSecret: DT.clientSecret, keepaliveMs: 1_000, pick: 'random' });
    const prepared = await prepareTestEnv({ database: 'sqlite' });
    cleanup = prepared.cleanup;
    const yaml = dingtalkYaml({ apiBase: dt.url, gateway: gw.url });
    for (let i = 0; i < 2; i++) nodes.push(await startDingtalkNode(prepared.env, yaml, dingtalkSecrets(dify)));
    await gw.waitForConnections(2);
  });
  afterAll(async () => {
    for (const n of nodes) await n.close();
    await gw?.close();
    await dt?.close();
    await dify?.close();
    await cleanup?.();
  });

  const db = () => nodes[0]!.runtime.database.db;
  const allReplied = (ids: string[]) =>
    waitFor(async () => (await db().message.count({ where: { platformMessageId: { in: ids }, status: 'replied' } })) === ids.length, 30_000, `${ids.length} messages replied`);

  it('random pick: messages spread over both connections, each answered once', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `msgScaledRand${i}`);
    const frames = ids.map((msgId) => gw.push(message('robot-text-single', { msgId, text: { content: `scaled ${msgId}` }, sessionWebhook: dt.sessionWebhook(`sc-${msgId}`) })));
    await allReplied(ids);
    await settle(500);
    const perConnection = new Map<string, number>();
    for (const f of frames) for (const a of gw.acksFor(f)) perConnection.set(a.connectionId, (perConnection.get(a.connectionId) ?? 0) + 1);
    console.log(`fake gateway, random pick: acks per connection ${JSON.stringify(Object.fromEntries(perConnection))}`);
    expect(perConnection.size).toBe(2);
    for (const msgId of ids) {
      expect(dify.runRequests().filter((r) => r.key === `scaled ${msgId}`)).toHaveLength(1);
      expect(dt.sent.filter((s) => s.via === 'session' && s.session === `sc-${msgId}`)).toHaveLength(1);
    }
  });

  it('the same message pushed to both connections at once is persisted, run and answered once, and acked by both', async () => {
    gw.setPick('all');
    const ids = Array.from({ length: 5 }, (_, i) => `msgScaledBoth${i}`);
    const frames = ids.map((msgId) => gw.push(message('robot-text-single', { msgId, text: { content: `both ${msgId}` }, sessionWebhook: dt.sessionWebhook(`both-${msgId}`) })));
    await allReplied(ids);
    await waitFor(() => frames.every((f) => new Set(gw.acksFor(f).map((a) => a.connectionId)).size === 2), 10_000, 'acks from both connections');
    await settle(500);
    for (const msgId of ids) {
      expect(await db().message.count({ where: { platformMessageId: msgId } })).toBe(1);
      expect(dify.runRequests().filter((r) => r.key === `both ${msgId}`)).toHaveLength(1);
      expect(dt.sent.filter((s) => s.via === 'session' && s.session === `both-${msgId}`)).toHaveLength(1);
    }
  });
});
