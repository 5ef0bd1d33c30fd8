import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createDingtalkAdapter } from '../../../../src/adapters/dingtalk/adapter.js';
import type { IngressResult } from '../../../../src/adapters/types.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { createMemoryKeyValueStore } from '../../../../src/store/kv.js';
import { dingtalkCallbacks, OFFICIAL_CHECK_URL } from '../../../fakes/fake-dingtalk-callbacks.js';
import { DT_KEYS, dingtalkBot } from './helpers.js';

const adapter = createDingtalkAdapter({ logger: silentLogger, kv: createMemoryKeyValueStore() });
const cb = dingtalkCallbacks({ clientSecret: DT_KEYS.clientSecret, token: DT_KEYS.token, encodingAesKey: DT_KEYS.encodingAesKey, ownerKey: DT_KEYS.clientId });

async function failure(p: Promise<unknown>): Promise<{ status: number; code: string; expose: boolean }> {
  try {
    await p;
  } catch (err) {
    return err as { status: number; code: string; expose: boolean };
  }
  throw new Error('expected a rejection');
}

describe('DingTalk ingest: robot_http', () => {
  const bot = dingtalkBot('robot_http');

  it('a signed robot callback becomes one message and a 200 ack', async () => {
    const result = await adapter.ingest(cb.inbound(cb.robot(cb.message('robot-text-group', { robotCode: DT_KEYS.clientId }))), bot);
    expect(result.kind).toBe('messages');
    const r = result as Extract<IngressResult, { kind: 'messages' }>;
    expect(r.ack.status).toBe(200);
    expect(r.messages.map((m) => [m.id, m.text, m.conversation.type])).toEqual([['msgqEufncv9gVqy7ia60LYs3w==', 'ss', 'group']]);
  });

  it('rejects a bad sign before parsing anything (401), and malformed JSON after a good sign (400)', async () => {
    expect(await failure(adapter.ingest(cb.inbound(cb.robot('{not json', { secret: 'nope' })), bot))).toMatchObject({ status: 401, code: 'bad_signature', expose: false });
    expect(await failure(adapter.ingest(cb.inbound(cb.robot('{not json')), bot))).toMatchObject({ status: 400, code: 'bad_json' });
  });

  it('a message for another robot than the configured robotCode is refused; other methods are 405; stream bots take no HTTP', async () => {
    const other = cb.message('robot-text-single', { robotCode: 'dingsomeoneelse' });
    expect(await failure(adapter.ingest(cb.inbound(cb.robot(other)), dingtalkBot('robot_http', {}, { robotCode: DT_KEYS.clientId })))).toMatchObject({ status: 400, code: 'robot_mismatch' });
    expect(await failure(adapter.ingest({ ...cb.inbound(cb.robot(other)), method: 'GET' }, bot))).toMatchObject({ status: 405 });
    expect(await failure(adapter.ingest(cb.inbound(cb.robot(other)), dingtalkBot('stream')))).toMatchObject({ status: 404, code: 'not_an_http_bot' });
  });

  it('unknownMsgType is acked and ignored with its reason', async () => {
    const result = await adapter.ingest(cb.inbound(cb.robot(cb.message('robot-unknown', { robotCode: DT_KEYS.clientId }))), bot);
    expect(result).toMatchObject({ kind: 'ignored', ack: { status: 200 }, reason: expect.stringContaining('unknownMsgType') });
  });
});

describe('DingTalk ingest: event_http', () => {
  const bot = dingtalkBot('event_http');

  it('check_url with the public sample (owner key = the sample corp key, window off) answers the encrypted success', async () => {
    const o = OFFICIAL_CHECK_URL;
    const official = dingtalkBot('event_http', { eventOwnerKey: o.ownerKey, timestampToleranceSec: 0 }, { token: o.token, encodingAesKey: o.encodingAesKey });
    const result = await adapter.ingest(
      { method: 'POST', subPath: '', query: { signature: o.msgSignature, timeStamp: o.timeStamp, nonce: o.nonce }, headers: {}, rawBody: Buffer.from(JSON.stringify({ encrypt: o.encrypt })), receivedAt: Date.now() },
      official,
    );
    expect(result.kind).toBe('answer');
    const answer = (result as Extract<IngressResult, { kind: 'answer' }>).body as Record<string, string>;
    const verifier = dingtalkCallbacks({ clientSecret: 'x', token: o.token, encodingAesKey: o.encodingAesKey, ownerKey: o.ownerKey });
    expect(verifier.decryptAnswer(answer)).toBe('success');
  });

  it('other events are acked with the encrypted success and start nothing', async () => {
    const result = await adapter.ingest(cb.inbound(cb.event({ EventType: 'user_add_org', UserId: ['u1'] })), bot);
    expect(result.kind).toBe('ignored');
    const ack = (result as Extract<IngressResult, { kind: 'ignored' }>).ack;
    expect(cb.decryptAnswer(ack.body as Record<string, unknown>)).toBe('success');
  });

  it('refuses a tampered body (401), another owner key (400), a missing query (400) and a bot without keys (401)', async () => {
    const built = cb.event({ EventType: 'check_url' });
    const tampered = { ...built, rawBody: Buffer.from(JSON.stringify({ encrypt: cb.event({ EventType: 'x' }).rawBody.toString().slice(12, -2) })) };
    expect(await failure(adapter.ingest(cb.inbound(tampered), bot))).toMatchObject({ status: 401, code: 'bad_signature' });
    expect(await failure(adapter.ingest(cb.inbound(built), dingtalkBot('event_http', { eventOwnerKey: 'dingcorpother' })))).toMatchObject({ status: 400, code: 'receive_id_mismatch' });
    expect(await failure(adapter.ingest({ ...cb.inbound(built), query: {} }, bot))).toMatchObject({ status: 400, code: 'missing_signature_params' });
    expect(await failure(adapter.ingest(cb.inbound(built), dingtalkBot('event_http', {}, { token: '' })))).toMatchObject({ status: 401, code: 'no_secret' });
  });

  it('a stale event (outside the 1 h default window) is a 401', async () => {
    expect(await failure(adapter.ingest(cb.inbound(cb.event({ EventType: 'check_url' }, { now: Date.now() - 3_700_000 }), Date.now()), bot))).toMatchObject({ status: 401, code: 'stale_timestamp' });
  });
});

describe('DingTalk config: the exact YAML of the issue', () => {
  const yaml = `
- name: dingtalk-helpdesk
  id: acme-dingtalk
  platform: dingtalk
  mode: robot_http
  workflow: support-chat
  credentials:
    clientId: dingxxxxxxxxxxxx
    clientSecret: secret-value
    robotCode: dingxxxxxxxxxxxx
    token: Tok3n
    encodingAesKey: ${DT_KEYS.encodingAesKey}
  settings:
    apiBaseUrl: https://api.dingtalk.com
    streamGatewayUrl: https://api.dingtalk.com
    eventOwnerKey: dingxxxxxxxxxxxx
    timestampToleranceSec: 3600
    groupPolicy: mentions
    cardTemplateId: 8f3a1c2e-0000-4000-8000-000000000000.schema
    cardContentKey: content
`;
  const bot = (parseYaml(yaml) as Array<{ credentials: Record<string, string>; settings: Record<string, unknown> }>)[0]!;

  it.each(['robot_http', 'event_http', 'stream'])('credentials and settings validate for %s', (mode) => {
    expect(adapter.credentialsSchema(mode).safeParse(bot.credentials).success).toBe(true);
    const settings = adapter.settingsSchema(mode).parse(bot.settings);
    expect(settings).toMatchObject({ groupPolicy: 'mentions', cardContentKey: 'content', timestampToleranceSec: 3600, zombieTimeoutSec: 90 });
  });

  it('event_http needs token and encodingAesKey; the others do not', () => {
    const { token: _t, encodingAesKey: _k, ...bare } = bot.credentials;
    expect(adapter.credentialsSchema('event_http').safeParse(bare).success).toBe(false);
    expect(adapter.credentialsSchema('robot_http').safeParse(bare).success).toBe(true);
    expect(adapter.credentialsSchema('stream').safeParse(bare).success).toBe(true);
  });
});
