/**
 * DingTalk Stream mode end to end: the real adapter opens its connection to the fake gateway (ticket over HTTP, then
 * WebSocket), robot messages arrive as CALLBACK frames, are persisted, acked, run through the real Dify client
 * against fake Dify and answered through the fake DingTalk API. Also: dedupe, ping acks, reconnects after a dropped,
 * a silent and a disconnected socket, /readyz and metrics, and bots that start and stop with `config apply`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDeclarativeConfig } from '../../src/config/declarative-apply.js';
import { parseDeclarativeConfig } from '../../src/config/declarative-parse.js';
import { FakeDify } from '../fakes/fake-dify.js';
import { startFakeDingtalk, type FakeDingtalk } from '../fakes/fake-dingtalk.js';
import { startFakeDingtalkStream, type FakeDingtalkStream } from '../fakes/fake-dingtalk-stream.js';
import { prepareTestEnv } from '../support/runtime.js';
import { BOTS, DT, dingtalkSecrets, dingtalkYaml, message, startDingtalkNode, type DingtalkNode } from './dingtalk-support.js';
import { settle, waitFor } from './wecom-support.js';

describe('DingTalk Stream mode end to end (fake gateway over WebSocket, real adapter and pipeline)', () => {
  let dify: FakeDify;
  let dt: FakeDingtalk;
  let gw: FakeDingtalkStream;
  let node: DingtalkNode;
  let cleanup: () => Promise<void>;
  let yaml: string;
  const secrets = () => dingtalkSecrets(dify);

  beforeAll(async () => {
    dify = await FakeDify.start({ mode: 'chat', chunks: 3 });
    dt = await startFakeDingtalk({ clientId: DT.clientId, clientSecret: DT.clientSecret });
    gw = await startFakeDingtalkStream({ clientId: DT.clientId, clientSecret: DT.clientSecret, keepaliveMs: 300, redeliverAfterMs: 3_000 });
    const prepared = await prepareTestEnv({ database: 'sqlite' });
    cleanup = prepared.cleanup;
    yaml = dingtalkYaml({ apiBase: dt.url, gateway: gw.url, extraSettings: ['zombieTimeoutSec: 2'] });
    node = await startDingtalkNode(prepared.env, yaml, secrets());
    await gw.waitForConnections(1);
  });
  afterAll(async () => {
    await node?.close();
    await gw?.close();
    await dt?.close();
    await dify?.close();
    await cleanup?.();
  });

  const db = () => node.runtime.database.db;
  const runsFor = (query: string) => dify.runRequests().filter((r) => r.key === query);
  const replied = (msgId: string) => waitFor(async () => (await db().message.count({ where: { platformMessageId: msgId, status: 'replied' } })) === 1, 15_000, `message ${msgId} replied`);

  it('opens the connection with the documented request and shows it in /readyz and the metrics', async () => {
    const open = gw.opens[0]!;
    expect(open.accept).toContain('application/json');
    expect(open.body).toMatchObject({
      clientId: DT.clientId,
      clientSecret: '(secret)',
      subscriptions: [
        { type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' },
        { type: 'EVENT', topic: '*' },
      ],
    });
    const ready = (await (await fetch(`${node.web.url}/readyz`)).json()) as { status: string; connections: Array<{ botId: string; state: string }> };
    expect(ready.status).toBe('ready');
    expect(ready.connections).toEqual([expect.objectContaining({ botId: BOTS.stream, state: 'open' })]);
    const metrics = await (await fetch(`${node.web.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`switchboard_platform_connection_state\\{platform="dingtalk",bot="${BOTS.stream}",state="open"\\} 1`));
  });

  it('a group @-message is acked only once persisted, then answered in the same group', async () => {
    const query = 'stream: who is on call tonight?';
    const session = dt.sessionWebhook('stream-grp-1');
    const rowsAtAck: number[] = [];
    gw.onAck(async (ack) => {
      if (ack.data && (ack.data as { response?: unknown }).response === null) rowsAtAck.push(await db().message.count({ where: { platformMessageId: 'msgStreamGroup01==' } }));
    });
    const frameId = gw.push(message('robot-text-group', { msgId: 'msgStreamGroup01==', text: { content: ` ${query}` }, sessionWebhook: session }));
    await replied('msgStreamGroup01==');
    gw.onAck(undefined);
    expect(gw.acksFor(frameId)).toEqual([expect.objectContaining({ code: 200, message: 'OK', data: { response: null } })]);
    expect(rowsAtAck).toEqual([1]);
    await settle(200);
    expect(dt.sent.filter((s) => s.via === 'session' && s.session === 'stream-grp-1').map((s) => s.via === 'session' && s.body)).toEqual([
      { msgtype: 'markdown', markdown: { title: `Echo: ${query}`, text: `Echo: ${query}` } },
    ]);
  });

  it('a 1:1 message is answered to that user', async () => {
    const query = 'stream: my payslip please';
    gw.push(message('robot-text-single', { msgId: 'msgStreamSingle1==', text: { content: query }, sessionWebhookExpiredTime: Date.now() - 1 }));
    await replied('msgStreamSingle1==');
    const oto = dt.sent.filter((s) => s.via === 'oto' && JSON.stringify(s).includes(query));
    expect(oto).toEqual([expect.objectContaining({ userIds: ['manager4220'], msgKey: 'sampleMarkdown' })]);
  });

  it('the same msgId re-pushed three times, one after another and all at once, gives one run and one reply', async () => {
    for (const [msgId, concurrent] of [['msgStreamDupSeq1==', false], ['msgStreamDupPar1==', true]] as const) {
      const query = `stream duplicate ${msgId}`;
      const body = message('robot-text-single', { msgId, text: { content: query }, sessionWebhook: dt.sessionWebhook(`sdup-${msgId}`) });
      const frames: string[] = [];
      if (concurrent) for (let i = 0; i < 3; i++) frames.push(gw.push(body));
      else {
        for (let i = 0; i < 3; i++) {
          const id = gw.push(body);
          frames.push(id);
          await waitFor(() => gw.acksFor(id).length > 0, 5_000, 'the ack');
        }
      }
      await replied(msgId);
      await waitFor(() => frames.every((f) => gw.acksFor(f).length > 0), 5_000, 'every frame acked');
      await settle(400);
      expect(runsFor(query)).toHaveLength(1);
      expect(dt.sent.filter((s) => s.via === 'session' && s.session === `sdup-${msgId}`)).toHaveLength(1);
    }
  });

  it('acks every ping with its opaque echoed', async () => {
    await waitFor(() => gw.pingAcks.length >= 2, 5_000, 'ping acks');
    for (const p of gw.pingAcks) expect(p.opaque).toBe(p.expected);
  });

  it('reconnects after a dropped socket and keeps answering', async () => {
    const before = gw.handshakes;
    gw.drop();
    await waitFor(() => gw.handshakes > before && gw.connections.length === 1, 10_000, 'a new connection');
    gw.push(message('robot-text-single', { msgId: 'msgStreamAfterDrop', text: { content: 'after the drop' }, sessionWebhook: dt.sessionWebhook('after-drop') }));
    await replied('msgStreamAfterDrop');
  });

  it('drops a silent (zombie) connection after zombieTimeoutSec and delivers what waited', async () => {
    const before = gw.handshakes;
    const silencedAt = Date.now();
    gw.silence();
    gw.push(message('robot-text-single', { msgId: 'msgStreamZombie01', text: { content: 'while the socket was silent' }, sessionWebhook: dt.sessionWebhook('zombie') }));
    await waitFor(() => gw.handshakes > before, 10_000, 'a reconnect after silence');
    const tookMs = Date.now() - silencedAt;
    expect(tookMs).toBeGreaterThanOrEqual(1_900);
    await replied('msgStreamZombie01');
  });

  it('reconnects at once when the gateway sends disconnect', async () => {
    await gw.waitForConnections(1);
    const before = gw.handshakes;
    const at = Date.now();
    gw.disconnect();
    await waitFor(() => gw.handshakes > before, 5_000, 'a reconnect after disconnect');
    expect(Date.now() - at).toBeLessThan(2_000);
    await gw.waitForConnections(1);
  });

  it('acknowledges EVENT frames with status SUCCESS', async () => {
    await gw.waitForConnections(1);
    const id = gw.pushEvent('chat_update_title', { ChatId: 'chat1', Title: 'x' });
    await waitFor(() => gw.acksFor(id).length > 0, 5_000, 'the event ack');
    expect(gw.acksFor(id)[0]).toMatchObject({ code: 200, data: { status: 'SUCCESS' } });
  });

  it('stops when config apply disables the bot and starts again when it is enabled, without a restart', async () => {
    const apply = (text: string) => applyDeclarativeConfig(parseDeclarativeConfig(text, secrets(), 'e2e.yaml'), { stores: node.runtime.repos, adapters: node.runtime.adapters });
    const disabled = yaml.replace(`id: ${BOTS.stream}\n        platform: dingtalk`, `id: ${BOTS.stream}\n        enabled: false\n        platform: dingtalk`);
    expect(disabled).not.toBe(yaml);
    await apply(disabled);
    await waitFor(() => gw.connections.length === 0, 5_000, 'the connection to close');
    const ready = (await (await fetch(`${node.web.url}/readyz`)).json()) as Record<string, unknown>;
    expect(ready.connections).toBeUndefined();
    const before = gw.handshakes;
    await apply(yaml);
    await waitFor(() => gw.handshakes > before && gw.connections.length === 1, 5_000, 'the connection to come back');
  });
});
