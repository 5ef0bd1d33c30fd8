/**
 * Bots and workflows through the admin API on a real server: CRUD, credentials checked by the adapter's schema,
 * secrets write-only (masked on read; a mask sent back keeps the stored value), If-Match, workflow binding within
 * the tenant, and a change that takes effect at once for ingress in this process.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomEncodingAesKey } from '../../fakes/fake-wecom-callbacks.js';
import { ApiClient, forEachDatabase, signedIn, startAdminServer, type AdminServer } from './support.js';

const API = '/api/v1';
const AES_KEY = randomEncodingAesKey();
const APP_SECRET = 'wecom-app-secret-0123456789abcdef';
const DIFY_KEY = 'app-dify-key-0123456789abcdef';

forEachDatabase('admin bots and workflows', (database) => {
  let server: AdminServer;
  let tenantId: string;
  let builder: ApiClient;
  let operator: ApiClient;
  let workflowId: string;

  beforeAll(async () => {
    server = await startAdminServer({ database });
    tenantId = (await server.runtime.repos.tenants.create({ slug: 'acme', name: 'Acme' })).id;
    builder = await signedIn(server, { email: 'builder@example.com', tenantId, role: 'builder' });
    operator = await signedIn(server, { email: 'operator@example.com', tenantId, role: 'operator' });
  });
  afterAll(async () => server?.close());

  const botBody = (name: string) => ({
    name,
    platform: 'wecom',
    mode: 'app',
    credentials: { corpId: 'wwcorp01', agentId: '1000002', secret: APP_SECRET, token: 'CallbackTok3n', encodingAesKey: AES_KEY },
    settings: { replyFormat: 'text' },
  });

  it('creates a workflow; the key is masked on every read and kept when the mask comes back', async () => {
    const created = await builder.post(`${API}/tenants/${tenantId}/workflows`, { name: 'support', kind: 'dify_chat', baseUrl: 'http://127.0.0.1:9/v1', apiKey: DIFY_KEY });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(DIFY_KEY);
    expect(created.json).toMatchObject({ name: 'support', kind: 'dify_chat', responseMode: 'streaming', timeoutMs: 120000, apiKey: '••••cdef' });
    workflowId = created.json.id;
    const read = await operator.get(`${API}/tenants/${tenantId}/workflows/${workflowId}`);
    expect(read.status).toBe(200);
    const renamed = await builder.patch(`${API}/tenants/${tenantId}/workflows/${workflowId}`, { ...read.json, id: undefined, createdAt: undefined, updatedAt: undefined, timeoutMs: 30000 }, { headers: { 'if-match': read.headers.etag as string } });
    expect(renamed.status).toBe(200);
    expect((await server.runtime.repos.workflows.getConfig(tenantId, workflowId))?.apiKey).toBe(DIFY_KEY);
    const bad = await builder.patch(`${API}/tenants/${tenantId}/workflows/${workflowId}`, { baseUrl: 'file:///etc/passwd', settings: { concurrency: -1 } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details.fields.map((f: { path: string }) => f.path)).toContain('baseUrl');
  });

  it('checks input templates when saved and previews them against a sample message', async () => {
    const bad = await builder.patch(`${API}/tenants/${tenantId}/workflows/${workflowId}`, { inputMapping: { who: '{{sender.id}}', oops: '{{constructor}}' } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['inputMapping.oops']);
    const preview = await builder.post(`${API}/tenants/${tenantId}/workflows/preview-inputs`, {
      inputMapping: { who: '{{sender.id}} ({{sender.name}})', question: 'Q: {{message.text}}', literal: '{{{{x}}' },
      sample: { text: 'Where is my parcel?', senderId: 'u-42', senderName: 'Ada' },
    });
    expect(preview.status).toBe(200);
    expect(preview.json.inputs).toEqual({ who: 'u-42 (Ada)', question: 'Q: Where is my parcel?', literal: '{{x}}' });
    expect(preview.json.fields).toContain('message.text');
    expect((await operator.post(`${API}/tenants/${tenantId}/workflows/preview-inputs`, { inputMapping: {} })).status).toBe(403);
  });

  it('creates a bot checked by the adapter schema: 422 names the wrong credential field, never its value', async () => {
    const wrong = await builder.post(`${API}/tenants/${tenantId}/bots`, { ...botBody('bad'), credentials: { ...botBody('bad').credentials, encodingAesKey: 'short-key-value' } });
    expect(wrong.status).toBe(422);
    expect(wrong.json.error.details.fields).toEqual([expect.objectContaining({ in: 'body', path: 'credentials.encodingAesKey' })]);
    expect(wrong.text).not.toContain('short-key-value');
    const mode = await builder.post(`${API}/tenants/${tenantId}/bots`, { ...botBody('bad'), mode: 'carrier-pigeon' });
    expect(mode.status).toBe(422);
    expect(mode.json.error.details.fields[0].path).toBe('mode');
    expect((await operator.post(`${API}/tenants/${tenantId}/bots`, botBody('nope'))).status).toBe(403);
    expect(await server.runtime.repos.bots.list(tenantId)).toEqual([]);
  });

  it('masks secret credentials on read, shows the others, and keeps stored secrets when their masks come back', async () => {
    const created = await builder.post(`${API}/tenants/${tenantId}/bots`, { ...botBody('helpdesk'), workflowId });
    expect(created.status).toBe(201);
    const bot = created.json;
    expect(bot.credentials).toEqual({ corpId: 'wwcorp01', agentId: '1000002', secret: '••••cdef', token: '••••', encodingAesKey: expect.stringMatching(/^••••.{4}$/) });
    expect(bot.hookPath).toBe(`/hooks/wecom/${bot.id}`);
    expect(bot.settings).toMatchObject({ replyFormat: 'text', streaming: false });
    for (const secret of [APP_SECRET, AES_KEY, 'CallbackTok3n']) expect(created.text).not.toContain(secret);

    const back = await builder.patch(`${API}/tenants/${tenantId}/bots/${bot.id}`, { credentials: bot.credentials, settings: { replyFormat: 'markdown' } });
    expect(back.status).toBe(200);
    const stored = await server.runtime.repos.bots.getRuntime(bot.id);
    expect(stored?.credentials).toEqual(botBody('x').credentials);
    expect(stored?.settings.replyFormat).toBe('markdown');

    const rotated = await builder.patch(`${API}/tenants/${tenantId}/bots/${bot.id}`, { credentials: { secret: 'a-brand-new-app-secret-value' } });
    expect(rotated.status).toBe(200);
    expect((await server.runtime.repos.bots.getRuntime(bot.id))?.credentials).toEqual({ ...botBody('x').credentials, secret: 'a-brand-new-app-secret-value' });
    const cleared = await builder.patch(`${API}/tenants/${tenantId}/bots/${bot.id}`, { credentials: { token: null } });
    expect(cleared.status).toBe(422);
    expect(cleared.json.error.details.fields[0].path).toBe('credentials.token');
  });

  it('a stale If-Match answers 412; a disabled bot is refused by ingress at once (this process\'s bot cache is invalidated)', async () => {
    const [bot] = (await builder.get(`${API}/tenants/${tenantId}/bots`)).json.items;
    const read = await builder.get(`${API}/tenants/${tenantId}/bots/${bot.id}`);
    const etag = read.headers.etag as string;
    // Ingress knows the bot (wrong signature: 401, not 404), and caches it.
    expect((await new ApiClient(server.url).get(`/hooks/wecom/${bot.id}?msg_signature=x&timestamp=1&nonce=1&echostr=x`)).status).toBe(401);
    const disabled = await builder.post(`${API}/tenants/${tenantId}/bots/${bot.id}/disable`, undefined, { headers: { 'if-match': etag } });
    expect(disabled.status).toBe(200);
    expect(disabled.json.enabled).toBe(false);
    expect((await new ApiClient(server.url).get(`/hooks/wecom/${bot.id}?msg_signature=x&timestamp=1&nonce=1&echostr=x`)).status).toBe(404);
    const stale = await builder.post(`${API}/tenants/${tenantId}/bots/${bot.id}/enable`, undefined, { headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect((await builder.post(`${API}/tenants/${tenantId}/bots/${bot.id}/enable`)).json.enabled).toBe(true);
    expect((await new ApiClient(server.url).get(`/hooks/wecom/${bot.id}?msg_signature=x&timestamp=1&nonce=1&echostr=x`)).status).toBe(401);
  });

  it('binds only workflows of the same tenant; a bound workflow cannot be deleted', async () => {
    const other = (await server.runtime.repos.tenants.create({ slug: 'other', name: 'Other' })).id;
    const foreign = await server.runtime.repos.workflows.upsert({
      tenantId: other, name: 'theirs', kind: 'dify_chat', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'app-theirs', inputMapping: {}, outputSelector: null, responseMode: 'blocking', timeoutMs: 10000, settings: {},
    });
    const [bot] = (await builder.get(`${API}/tenants/${tenantId}/bots`)).json.items;
    const res = await builder.put(`${API}/tenants/${tenantId}/bots/${bot.id}/workflow`, { workflowId: foreign.id });
    expect(res.status).toBe(422);
    expect(res.json.error.details.fields[0].path).toBe('workflowId');
    const inUse = await builder.delete(`${API}/tenants/${tenantId}/workflows/${workflowId}`);
    expect(inUse.status).toBe(409);
    expect(inUse.json.error.message).toContain('helpdesk');
    expect((await builder.put(`${API}/tenants/${tenantId}/bots/${bot.id}/workflow`, { workflowId: null })).json.workflowId).toBeNull();
    expect((await builder.delete(`${API}/tenants/${tenantId}/workflows/${workflowId}`)).status).toBe(204);
    expect((await builder.delete(`${API}/tenants/${tenantId}/bots/${bot.id}`)).status).toBe(204);
    expect(await server.runtime.repos.bots.getRuntime(bot.id)).toBeNull();
  });

  it('describes every platform and mode from the adapters\' schemas, secret fields writeOnly', async () => {
    const res = await operator.get(`${API}/platforms`);
    expect(res.status).toBe(200);
    const wecom = res.json.items.find((p: { platform: string }) => p.platform === 'wecom');
    const app = wecom.modes.find((m: { mode: string }) => m.mode === 'app');
    expect(app.credentials.properties.secret.writeOnly).toBe(true);
    expect(app.credentials.properties.encodingAesKey.writeOnly).toBe(true);
    expect(app.credentials.properties.corpId.writeOnly).toBeUndefined();
    expect(app.credentials.required).toEqual(expect.arrayContaining(['corpId', 'agentId', 'secret', 'token', 'encodingAesKey']));
    expect(app.settings.properties.replyFormat.default).toBe('markdown');
    const slack = res.json.items.find((p: { platform: string }) => p.platform === 'slack');
    const socket = slack.modes.find((m: { mode: string }) => m.mode === 'socket');
    expect(socket.credentials.properties.botToken.writeOnly).toBe(true);
    expect(socket.credentials.properties.appToken.writeOnly).toBe(true);
    expect(wecom.callbackPathPattern).toBe('/hooks/wecom/{botId}');
    // Every mode says what it is and how to set it up.
    for (const platform of res.json.items) {
      for (const mode of platform.modes) {
        expect(mode.summary, `${platform.platform}/${mode.mode}`).toEqual(expect.any(String));
        expect(mode.steps.length, `${platform.platform}/${mode.mode}`).toBeGreaterThanOrEqual(2);
      }
    }
    expect(socket.steps.join(' ')).toContain('connections:write');
  });
});
