/**
 * The console's connection check for DingTalk bots, against the fake API and the fake Stream gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDingtalkAdapter } from '../../../../src/adapters/dingtalk/adapter.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { createMemoryKeyValueStore } from '../../../../src/store/kv.js';
import { startFakeDingtalk, type FakeDingtalk } from '../../../fakes/fake-dingtalk.js';
import { startFakeDingtalkStream, type FakeDingtalkStream } from '../../../fakes/fake-dingtalk-stream.js';
import { dingtalkBot, DT_KEYS } from '../../../unit/adapters/dingtalk/helpers.js';

let api: FakeDingtalk;
let gw: FakeDingtalkStream;
beforeAll(async () => {
  api = await startFakeDingtalk({ clientId: DT_KEYS.clientId, clientSecret: DT_KEYS.clientSecret });
  gw = await startFakeDingtalkStream({ clientId: DT_KEYS.clientId, clientSecret: DT_KEYS.clientSecret });
});
afterAll(async () => {
  await gw.close();
  await api.close();
});

const adapter = () => createDingtalkAdapter({ logger: silentLogger, kv: createMemoryKeyValueStore(), publicBaseUrl: 'https://switchboard.example.com/', retry: { attempts: 1 } });
const settings = (extra: Record<string, unknown> = {}) => ({ apiBaseUrl: api.url, streamGatewayUrl: gw.url, ...extra });
const item = (report: { items: Array<{ name: string; ok: boolean; detail: string }> }, name: string) => report.items.find((i) => i.name === name);

describe('DingTalk connection check', () => {
  it('robot_http: token and robot code are fine; the callback URL and the console steps are shown', async () => {
    const report = await adapter().checkConnection(dingtalkBot('robot_http', settings()));
    expect(report.ok).toBe(true);
    expect(report.items.map((i) => i.name)).toEqual(['Access token', 'Robot code']);
    expect(report.setup).toMatchObject({ callbackUrl: 'https://switchboard.example.com/hooks/dingtalk/bot-robot_http', where: expect.stringContaining('HTTP mode') });
  });

  it('says in words that the secret is wrong', async () => {
    const report = await adapter().checkConnection(dingtalkBot('robot_http', settings(), { clientSecret: 'wrong-secret' }));
    expect(report.ok).toBe(false);
    expect(item(report, 'Access token')).toMatchObject({ ok: false, detail: expect.stringMatching(/rejected the Client ID \/ Client Secret.*Credentials/) });
    expect(JSON.stringify(report)).not.toContain('wrong-secret');
  });

  it('an unknown robotCode is reported', async () => {
    const report = await adapter().checkConnection(dingtalkBot('robot_http', settings(), { robotCode: 'dingnotmyrobot' }));
    expect(item(report, 'Robot code')).toMatchObject({ ok: false, detail: expect.stringContaining('robotCode') });
  });

  it('event_http: the keys are checked locally and the Token, aes_key and owner key are shown to paste', async () => {
    const good = await adapter().checkConnection(dingtalkBot('event_http', settings()));
    expect(item(good, 'Event keys')).toMatchObject({ ok: true, detail: expect.stringContaining(DT_KEYS.clientId) });
    expect(good.setup).toMatchObject({ token: DT_KEYS.token, aesKey: DT_KEYS.encodingAesKey, where: expect.stringContaining(`owner key ${DT_KEYS.clientId}`) });
    const bad = await adapter().checkConnection(dingtalkBot('event_http', settings(), { encodingAesKey: 'short' }));
    expect(item(bad, 'Event keys')).toMatchObject({ ok: false });
  });

  it('stream: the gateway issues a ticket; when it refuses, the message says what to check', async () => {
    const report = await adapter().checkConnection(dingtalkBot('stream', settings()));
    expect(item(report, 'Stream connection')).toMatchObject({ ok: true, detail: expect.stringContaining('127.0.0.1') });
    expect(report.setup?.callbackUrl).toBeUndefined();
    gw.failOpens(1, 503);
    const refused = await adapter().checkConnection(dingtalkBot('stream', settings()));
    expect(item(refused, 'Stream connection')).toMatchObject({ ok: false, detail: expect.stringContaining('Stream mode') });
  });
});
