/**
 * The Stream client against the fake gateway, with its knobs shrunk: backoff (exponential, jittered, capped, no
 * storm), a failed accept left unacked and redelivered, malformed and unknown frames, wrong credentials.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AccessTokenCache } from '../../../../src/adapters/token-cache.js';
import { DingtalkApiClient } from '../../../../src/adapters/dingtalk/api-client.js';
import { normalizeRobotMessage } from '../../../../src/adapters/dingtalk/normalize.js';
import { DingtalkStreamClient, reconnectDelayMs, type StreamConnectionState } from '../../../../src/adapters/dingtalk/stream-mode.js';
import type { Inbox, NormalizedMessage } from '../../../../src/adapters/types.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { createMemoryKeyValueStore } from '../../../../src/store/kv.js';
import { startFakeDingtalkStream, type FakeDingtalkStream } from '../../../fakes/fake-dingtalk-stream.js';
import { dingtalkCallbacks } from '../../../fakes/fake-dingtalk-callbacks.js';
import { waitFor } from '../../../support/runtime.js';

const CLIENT = { clientId: 'dingstreamclient', clientSecret: 'stream-secret' };
const cb = dingtalkCallbacks({ clientSecret: CLIENT.clientSecret });

let gw: FakeDingtalkStream | undefined;
let client: DingtalkStreamClient | undefined;
afterEach(async () => {
  await client?.stop();
  await gw?.close();
  client = undefined;
  gw = undefined;
});

function build(gateway: FakeDingtalkStream, inbox: Inbox, o: { secret?: string; random?: () => number; initialBackoffMs?: number; maxBackoffMs?: number } = {}) {
  const states: StreamConnectionState[] = [];
  const api = new DingtalkApiClient({
    baseUrl: gateway.url,
    legacyBaseUrl: gateway.url,
    clientId: CLIENT.clientId,
    clientSecret: o.secret ?? CLIENT.clientSecret,
    tokens: new AccessTokenCache({ kv: createMemoryKeyValueStore(), logger: silentLogger }),
    logger: silentLogger,
  });
  const c = new DingtalkStreamClient({
    botId: 'bot-stream',
    api,
    gatewayUrl: gateway.url,
    inbox,
    logger: silentLogger,
    normalize: (msg, receivedAt) => normalizeRobotMessage(msg, { botId: 'bot-stream', tenantId: 't', receivedAt, groupPolicy: 'mentions', mentionNames: [], robotCode: CLIENT.clientId }),
    initialBackoffMs: o.initialBackoffMs ?? 100,
    maxBackoffMs: o.maxBackoffMs ?? 800,
    zombieTimeoutMs: 5_000,
    random: o.random,
    onState: (s) => states.push(s),
  });
  return { client: c, states };
}

const recordingInbox = (fail = 0) => {
  const accepted: NormalizedMessage[] = [];
  let failures = fail;
  const inbox: Inbox = {
    async accept(messages) {
      if (failures > 0) {
        failures -= 1;
        throw new Error('store down');
      }
      accepted.push(...messages);
      return messages.map((m) => ({ messageId: m.id, platformMessageId: m.id, duplicate: false }));
    },
  };
  return { inbox, accepted };
};

describe('reconnect delays', () => {
  it('grow exponentially from 1 s to a 60 s cap and stay within [½, 1] of the ceiling', () => {
    const ceilings = [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000];
    ceilings.forEach((ceiling, attempt) => {
      expect(reconnectDelayMs(attempt, 1000, 60_000, () => 1)).toBe(ceiling);
      expect(reconnectDelayMs(attempt, 1000, 60_000, () => 0)).toBe(ceiling / 2);
      const d = reconnectDelayMs(attempt, 1000, 60_000);
      expect(d).toBeGreaterThanOrEqual(ceiling / 2);
      expect(d).toBeLessThanOrEqual(ceiling);
    });
  });
});

describe('DingTalk Stream client against the fake gateway', () => {
  it('backs off exponentially while the gateway refuses, then connects: no storm', async () => {
    gw = await startFakeDingtalkStream(CLIENT);
    gw.failOpens(4, 503);
    ({ client } = build(gw, recordingInbox().inbox, { random: () => 1 }));
    client.start();
    await gw.waitForConnections(1, 10_000);
    const times = gw.opens.map((o) => o.at);
    expect(times).toHaveLength(5);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 100, 200, 400, 800 ms with the jitter pinned to the ceiling (generous upper margins for a loaded machine).
    [100, 200, 400, 800].forEach((ceiling, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(ceiling - 5);
      expect(gaps[i]).toBeLessThan(ceiling + 600);
    });
    // The gateway saw the socket before the client's 'open' handler ran: wait for the client's side too.
    await waitFor(() => client?.state.state === 'open', 5000, 'the client to see its connection open');
  });

  it('wrong credentials: the reason is kept in words, and attempts stay few', async () => {
    gw = await startFakeDingtalkStream(CLIENT);
    let states: StreamConnectionState[];
    ({ client, states } = build(gw, recordingInbox().inbox, { secret: 'wrong', initialBackoffMs: 200, maxBackoffMs: 10_000 }));
    client.start();
    await new Promise((r) => setTimeout(r, 1_300));
    // Attempts at 0 ms, then after 100–200, 200–400 and 400–800 ms: at most four in 1.3 s.
    expect(gw.opens.length).toBeGreaterThanOrEqual(2);
    expect(gw.opens.length).toBeLessThanOrEqual(4);
    expect(states.at(-1)).toMatchObject({ state: 'backoff' });
    expect(client.state.lastError).toMatch(/Client ID \/ Client Secret/);
    expect(client.state.lastError).not.toContain('wrong');
  });

  it('leaves a message unacked when the accept fails; the redelivery is accepted and acked once', async () => {
    gw = await startFakeDingtalkStream({ ...CLIENT, redeliverAfterMs: 300 });
    const { inbox, accepted } = recordingInbox(1);
    ({ client } = build(gw, inbox));
    client.start();
    await gw.waitForConnections(1);
    const id = gw.push(cb.message('robot-text-single', { msgId: 'msgRetry0001==' }));
    await waitFor(() => gw!.acksFor(id).length > 0, 5_000, 'the ack after the redelivery');
    expect(gw.frames.filter((f) => (f.frame.headers as { messageId: string }).messageId === id)).toHaveLength(2);
    expect(accepted.map((m) => m.id)).toEqual(['msgRetry0001==']);
    expect(gw.acksFor(id)).toEqual([expect.objectContaining({ code: 200, data: { response: null } })]);
  });

  it('acks a frame messageId it already accepted without accepting it again', async () => {
    gw = await startFakeDingtalkStream(CLIENT);
    const { inbox, accepted } = recordingInbox();
    ({ client } = build(gw, inbox));
    client.start();
    await gw.waitForConnections(1);
    const body = cb.message('robot-text-single', { msgId: 'msgSameFrame01==' });
    gw.push(body, { messageId: 'frame-1' });
    await waitFor(() => gw!.acksFor('frame-1').length === 1, 5_000, 'first ack');
    gw.push(body, { messageId: 'frame-1' });
    await waitFor(() => gw!.acksFor('frame-1').length === 2, 5_000, 'second ack');
    expect(accepted).toHaveLength(1);
  });

  it('acks malformed robot data (it would come back forever) and answers unknown callback topics 404', async () => {
    gw = await startFakeDingtalkStream(CLIENT);
    const { inbox, accepted } = recordingInbox();
    ({ client } = build(gw, inbox));
    client.start();
    await gw.waitForConnections(1);
    const bad = gw.push({ msgtype: 'text' }); // no msgId, no conversation
    await waitFor(() => gw!.acksFor(bad).length > 0, 5_000, 'the ack of the malformed message');
    expect(gw.acksFor(bad)[0]).toMatchObject({ code: 200 });
    expect(accepted).toHaveLength(0);
    const conn = gw.connections[0]!;
    conn.socket.send(JSON.stringify({ specVersion: '1.0', type: 'CALLBACK', headers: { topic: '/v1.0/card/instances/callback', messageId: 'card-1' }, data: '{}' }));
    await waitFor(() => gw!.acksFor('card-1').length > 0, 5_000, 'the 404 ack');
    expect(gw.acksFor('card-1')[0]).toMatchObject({ code: 404 });
  });

  it('stop() while the ticket request or the handshake is in flight ends the loop and leaves no connection', async () => {
    gw = await startFakeDingtalkStream(CLIENT);
    for (const delay of [0, 5, 20, 60]) {
      const { client: c } = build(gw, recordingInbox().inbox);
      c.start();
      await new Promise((r) => setTimeout(r, delay));
      const started = Date.now();
      await c.stop();
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(c.state.state).toBe('stopped');
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(gw.connections).toHaveLength(0);
  });
});
