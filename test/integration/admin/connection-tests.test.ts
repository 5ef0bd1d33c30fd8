/**
 * Connection tests through the admin API on a real server, against fakes on 127.0.0.1: a saved bot with its stored
 * secret (and with a wrong one), unsaved values before saving (masks only with the saved id), a saved and an unsaved
 * workflow (right and wrong key), a metadata base URL refused by the egress policy as a failed check, and the
 * usual 422 / 403 / 404. No answer carries a Dify key, a WeCom app secret or a Slack token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDify } from '../../fakes/fake-dify.js';
import { startFakeDingtalk } from '../../fakes/fake-dingtalk.js';
import { FakeSlack } from '../../fakes/fake-slack.js';
import { startFakeWecom } from '../../fakes/fake-wecom.js';
import { randomEncodingAesKey } from '../../fakes/fake-wecom-callbacks.js';
import { ApiClient, signedIn, startAdminServer, type AdminServer } from './support.js';

const API = '/api/v1';

describe('connection tests', () => {
  let server: AdminServer;
  let wecom: Awaited<ReturnType<typeof startFakeWecom>>;
  let dify: FakeDify;
  let slack: FakeSlack;
  let tenantId: string;
  let otherTenantId: string;
  let builder: ApiClient;
  let operator: ApiClient;
  let botId: string;
  let otherBotId: string;
  let workflowId: string;
  const aesKey = randomEncodingAesKey();
  const wecomSecret = 'wecom-app-secret-0123456789';

  const wecomCredentials = () => ({ corpId: wecom.corpId, agentId: wecom.agentId, secret: wecomSecret, token: 'CallbackToken123', encodingAesKey: aesKey });
  const bots = (tenant = tenantId) => `${API}/tenants/${tenant}/bots`;
  const workflows = (tenant = tenantId) => `${API}/tenants/${tenant}/workflows`;
  const failedItems = (report: { items: { ok: boolean; detail: string }[] }) => report.items.filter((i) => !i.ok).map((i) => i.detail);

  beforeAll(async () => {
    wecom = await startFakeWecom({ secret: wecomSecret });
    dify = await FakeDify.start({ mode: 'chat' });
    slack = await FakeSlack.start();
    server = await startAdminServer({ database: 'sqlite', env: { WECOM_API_BASE: wecom.url, SLACK_API_URL: slack.apiUrl } });
    const { repos } = server.runtime;
    tenantId = (await repos.tenants.create({ slug: 'acme', name: 'Acme' })).id;
    otherTenantId = (await repos.tenants.create({ slug: 'other', name: 'Other' })).id;
    builder = await signedIn(server, { email: 'builder@example.com', tenantId, role: 'builder' });
    operator = await signedIn(server, { email: 'operator@example.com', tenantId, role: 'operator' });
    const created = await builder.post(bots(), { name: 'helpdesk', platform: 'wecom', mode: 'app', credentials: wecomCredentials() });
    expect(created.status, created.text).toBe(201);
    botId = created.json.id;
    const other = await repos.bots.upsert({
      tenantId: otherTenantId, name: 'theirs', platform: 'wecom', mode: 'app', credentials: wecomCredentials(), settings: {}, enabled: true, workflowId: null, approvalPolicy: 'none',
    });
    otherBotId = other.id;
    const flow = await builder.post(workflows(), { name: 'support', kind: 'dify_chat', baseUrl: dify.url, apiKey: dify.apiKey, responseMode: 'blocking' });
    expect(flow.status, flow.text).toBe(201);
    workflowId = flow.json.id;
  });
  afterAll(async () => {
    await server?.close();
    await wecom?.close();
    await dify?.close();
    await slack?.close();
  });

  it('tests a saved bot with its stored secret: every item passes, the setup facts say what to paste, the secret stays inside', async () => {
    const res = await builder.post(`${bots()}/${botId}/test`);
    expect(res.status, res.text).toBe(200);
    expect(failedItems(res.json)).toEqual([]);
    expect(res.json.ok).toBe(true);
    expect(res.json.items.map((i: { name: string }) => i.name)).toEqual(expect.arrayContaining(['Access token', 'Agent']));
    // The Token and EncodingAESKey are pasted into WeCom by design; the app secret never leaves.
    expect(res.json.setup).toMatchObject({ token: 'CallbackToken123', encodingAesKey: aesKey, callbackUrl: expect.stringContaining(`/hooks/wecom/${botId}`) });
    expect(res.text).not.toContain(wecomSecret);
    expect(wecom.callsTo('/cgi-bin/gettoken').length).toBeGreaterThan(0);
  });

  it('a saved bot whose stored secret is wrong fails the access-token item with what to fix', async () => {
    const patched = await builder.patch(`${bots()}/${botId}`, { credentials: { secret: 'a-wrong-app-secret-9876' } }, { headers: { 'if-match': '*' } });
    expect(patched.status, patched.text).toBe(200);
    const res = await builder.post(`${bots()}/${botId}/test`);
    expect(res.status).toBe(200);
    expect(res.json.ok).toBe(false);
    const failed = res.json.items.find((i: { name: string }) => i.name === 'Access token');
    expect(failed).toMatchObject({ ok: false, detail: expect.stringMatching(/secret/i) });
    expect(res.text).not.toContain('a-wrong-app-secret-9876');
    const restored = await builder.patch(`${bots()}/${botId}`, { credentials: { secret: wecomSecret } }, { headers: { 'if-match': '*' } });
    expect(restored.status, restored.text).toBe(200);
  });

  it('tests unsaved values before saving; a mask stands for the stored secret only with the saved id', async () => {
    const before = await server.runtime.repos.bots.listRecords(tenantId);
    const fresh = await builder.post(`${bots()}/test`, { platform: 'wecom', mode: 'app', credentials: wecomCredentials() });
    expect(fresh.status, fresh.text).toBe(200);
    expect(fresh.json.ok).toBe(true);
    expect(fresh.json.setup.callbackUrl).toContain('/hooks/wecom/BOT_ID');

    const wrong = await builder.post(`${bots()}/test`, { platform: 'wecom', mode: 'app', credentials: { ...wecomCredentials(), secret: 'not-the-secret-000' } });
    expect(wrong.status).toBe(200);
    expect(wrong.json.ok).toBe(false);

    const shown = (await builder.get(`${bots()}/${botId}`)).json.credentials as Record<string, string>;
    expect(shown.secret).not.toBe(wecomSecret);
    const withId = await builder.post(`${bots()}/test`, { id: botId, platform: 'wecom', mode: 'app', credentials: shown });
    expect(withId.status, withId.text).toBe(200);
    expect(withId.json.ok).toBe(true);
    expect(withId.json.setup.callbackUrl).toContain(`/hooks/wecom/${botId}`);

    const withoutId = await builder.post(`${bots()}/test`, { platform: 'wecom', mode: 'app', credentials: shown });
    expect(withoutId.status).toBe(422);
    expect(withoutId.json.error.details.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'credentials.secret', code: 'masked_value' })]));
    // Another tenant's bot is no source of stored secrets.
    const foreignId = await builder.post(`${bots()}/test`, { id: otherBotId, platform: 'wecom', mode: 'app', credentials: shown });
    expect(foreignId.status).toBe(422);
    expect(foreignId.json.error.details.fields).toEqual([expect.objectContaining({ path: 'id', code: 'not_found' })]);
    // Nothing was saved by any of these.
    expect(await server.runtime.repos.bots.listRecords(tenantId)).toEqual(before);
  });

  it('checks unsaved values with the adapter schema first (422 per field, the value never echoed)', async () => {
    const res = await builder.post(`${bots()}/test`, { platform: 'slack', mode: 'events_http', credentials: { botToken: 'not-a-slack-token', signingSecret: 'short' } });
    expect(res.status).toBe(422);
    const paths = (res.json.error.details.fields as { path: string }[]).map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['credentials.botToken', 'credentials.signingSecret']));
    expect(res.text).not.toContain('not-a-slack-token');
    expect((await builder.post(`${bots()}/test`, { platform: 'wecom', mode: 'nope', credentials: {} })).status).toBe(422);
    expect((await builder.post(`${workflows()}/test`, { kind: 'dify_chat', baseUrl: 'file:///etc/passwd', apiKey: 'k' })).status).toBe(422);
    expect((await builder.post(`${workflows()}/test`, { kind: 'dify_chat', baseUrl: dify.url, apiKey: 'k', unknownField: 1 })).status).toBe(422);
    const template = await builder.post(`${workflows()}/test`, { kind: 'dify_chat', baseUrl: dify.url, apiKey: 'k', inputMapping: { q: '{{nope' } });
    expect(template.status).toBe(422);
    expect(template.json.error.details.fields[0]).toMatchObject({ path: 'inputMapping.q', code: 'template_invalid' });
  });

  it('an unsaved Slack bot is tested against Slack without returning its tokens or signing secret', async () => {
    const signingSecret = '0123456789abcdef0123456789abcdef';
    const res = await builder.post(`${bots()}/test`, {
      platform: 'slack',
      mode: 'events_http',
      credentials: { botToken: slack.botToken, signingSecret, botUserId: slack.botUserId, botId: slack.botId },
    });
    expect(res.status, res.text).toBe(200);
    expect(failedItems(res.json)).toEqual([]);
    expect(res.json.ok).toBe(true);
    expect(res.text).not.toContain(slack.botToken);
    expect(res.text).not.toContain(signingSecret);
  });

  it('a saved DingTalk bot passes with its stored secret; the same bot with a new, wrong secret fails before it is saved', async () => {
    const dingtalk = await startFakeDingtalk({ clientId: 'dingclient1', clientSecret: 'dingtalk-client-secret-0123' });
    try {
      const settings = { apiBaseUrl: dingtalk.url, legacyApiBaseUrl: dingtalk.url };
      const created = await builder.post(bots(), { name: 'dingbot', platform: 'dingtalk', mode: 'robot_http', credentials: { clientId: 'dingclient1', clientSecret: 'dingtalk-client-secret-0123' }, settings });
      expect(created.status, created.text).toBe(201);
      const saved = await builder.post(`${bots()}/${created.json.id}/test`);
      expect(saved.status, saved.text).toBe(200);
      expect(failedItems(saved.json)).toEqual([]);
      expect(saved.json.ok).toBe(true);
      const unsaved = await builder.post(`${bots()}/test`, { id: created.json.id, platform: 'dingtalk', mode: 'robot_http', credentials: { clientId: 'dingclient1', clientSecret: 'not-the-dingtalk-secret' }, settings });
      expect(unsaved.status, unsaved.text).toBe(200);
      expect(unsaved.json.ok).toBe(false);
      expect(failedItems(unsaved.json)).toEqual([expect.stringMatching(/^DingTalk rejected the Client ID \/ Client Secret/)]);
      for (const res of [saved, unsaved]) expect(res.text).not.toMatch(/dingtalk-client-secret-0123|not-the-dingtalk-secret/);
    } finally {
      await dingtalk.close();
    }
  });

  it('tests a saved workflow with its stored key, and reports a wrong key with what to do', async () => {
    const ok = await builder.post(`${workflows()}/${workflowId}/test`);
    expect(ok.status, ok.text).toBe(200);
    expect(failedItems(ok.json)).toEqual([]);
    expect(ok.json.ok).toBe(true);
    expect(ok.text).not.toContain(dify.apiKey);

    const wrong = await builder.post(`${workflows()}/test`, { kind: 'dify_chat', baseUrl: dify.url, apiKey: 'app-wrong-key-123456' });
    expect(wrong.status).toBe(200);
    expect(wrong.json.ok).toBe(false);
    expect(wrong.json.items[0]).toMatchObject({ name: 'api_key', ok: false, detail: expect.stringContaining('API key was rejected') });
    expect(wrong.text).not.toContain('app-wrong-key-123456');

    const masked = (await builder.get(`${workflows()}/${workflowId}`)).json.apiKey as string;
    const withId = await builder.post(`${workflows()}/test`, { id: workflowId, kind: 'dify_chat', baseUrl: dify.url, apiKey: masked });
    expect(withId.json.ok, withId.text).toBe(true);
    const withoutId = await builder.post(`${workflows()}/test`, { kind: 'dify_chat', baseUrl: dify.url, apiKey: masked });
    expect(withoutId.status).toBe(422);
    expect(withoutId.json.error.details.fields).toEqual([expect.objectContaining({ path: 'apiKey', code: 'masked_value' })]);
  });

  it('a metadata base URL (workflow, WeCom or Slack API) answers a failed check naming the egress refusal, not a 500', async () => {
    const res = await builder.post(`${workflows()}/test`, { kind: 'dify_chat', baseUrl: 'http://169.254.169.254/v1', apiKey: 'app-anything-1234' });
    expect(res.status, res.text).toBe(200);
    expect(res.json.ok).toBe(false);
    // Dify never answered: the sentence must not say it did.
    expect(res.json.items[0].detail).toMatch(/^The egress policy refused the call to http:\/\/169\.254\.169\.254\/v1: /);
    expect(failedItems(res.json).join(' ')).toMatch(/169\.254\.169\.254 refused: link-local and cloud metadata addresses are always refused/);
    const bot = await builder.post(`${bots()}/test`, { platform: 'wecom', mode: 'app', credentials: wecomCredentials(), settings: { apiBaseUrl: 'http://169.254.169.254' } });
    expect(bot.status, bot.text).toBe(200);
    expect(bot.json.items).toContainEqual({ name: 'Access token', ok: false, detail: expect.stringMatching(/^Outbound call to 169\.254\.169\.254 refused: link-local/) });
    const slackBot = await builder.post(`${bots()}/test`, {
      platform: 'slack', mode: 'events_http', credentials: { botToken: slack.botToken, signingSecret: 'slack-signing-secret-0123456789' }, settings: { slackApiUrl: 'http://169.254.169.254/api/' },
    });
    expect(slackBot.json.items).toContainEqual({ name: 'Bot token', ok: false, detail: expect.stringContaining('Outbound call to 169.254.169.254 refused') });
    expect(slackBot.text).not.toContain(slack.botToken);
    const http = await builder.post(`${workflows()}/test`, { kind: 'http', baseUrl: 'http://[::ffff:a9fe:a9fe]/run', apiKey: 'secret-anything' });
    expect(http.status, http.text).toBe(200);
    expect(failedItems(http.json).join(' ')).toMatch(/refused/);
  });

  it('operators may not test (403); another tenant’s ids answer 404', async () => {
    expect((await operator.post(`${bots()}/${botId}/test`)).status).toBe(403);
    expect((await operator.post(`${workflows()}/${workflowId}/test`)).status).toBe(403);
    expect((await operator.post(`${bots()}/test`, { platform: 'wecom', mode: 'app', credentials: wecomCredentials() })).status).toBe(403);
    expect((await operator.post(`${workflows()}/test`, { kind: 'dify_chat', baseUrl: dify.url, apiKey: dify.apiKey })).status).toBe(403);

    expect((await builder.post(`${bots()}/${otherBotId}/test`)).status).toBe(404);
    expect((await builder.post(`${bots(otherTenantId)}/${otherBotId}/test`)).status).toBe(404);
    expect((await builder.post(`${workflows(otherTenantId)}/test`, { kind: 'dify_chat', baseUrl: dify.url, apiKey: dify.apiKey })).status).toBe(404);
    const gettokens = wecom.callsTo('/cgi-bin/gettoken').length;
    expect((await builder.post(`${bots()}/missing/test`)).status).toBe(404);
    expect(wecom.callsTo('/cgi-bin/gettoken').length).toBe(gettokens);
  });
});
