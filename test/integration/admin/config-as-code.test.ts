/**
 * Config as code over real HTTP and through the CLI: apply a config with secrets → export (HTTP and CLI give the same
 * bytes, no secret in them) → apply that export on an empty instance with the secrets as env → export: the same file.
 * Applying over HTTP is idempotent and keeps stored secrets by reference; errors name line and field.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorLines, runCli, STACK_FRAME } from '../cli/run-cli.js';
import { ApiClient, forEachDatabase, signedIn, startAdminServer, type AdminServer } from './support.js';

const API = '/api/v1';
const secrets = {
  DIFY_KEY: `app-dify-${randomBytes(6).toString('hex')}`,
  WECOM_SECRET: `wecom-secret-${randomBytes(6).toString('hex')}`,
  WECOM_TOKEN: `CallbackTok${randomBytes(4).toString('hex')}`,
  WECOM_AES: randomBytes(32).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 43),
  SLACK_TOKEN: `xoxb-1-${randomBytes(6).toString('hex')}`,
  SLACK_SIGNING: `signing-${randomBytes(12).toString('hex')}`,
};
// What the export names each secret, for applying it elsewhere.
const exportedEnv = {
  ACME_SUPPORT_CHAT_API_KEY: secrets.DIFY_KEY,
  ACME_WECOM_HELPDESK_SECRET: secrets.WECOM_SECRET,
  ACME_WECOM_HELPDESK_TOKEN: secrets.WECOM_TOKEN,
  ACME_WECOM_HELPDESK_ENCODING_AES_KEY: secrets.WECOM_AES,
  ACME_SLACK_SUPPORT_BOT_TOKEN: secrets.SLACK_TOKEN,
  ACME_SLACK_SUPPORT_SIGNING_SECRET: secrets.SLACK_SIGNING,
};

const CONFIG = `version: 1
tenants:
  - slug: acme
    name: Acme Support
    workflows:
      - name: support-chat
        kind: dify_chat
        baseUrl: http://127.0.0.1:9/v1
        apiKey: \${DIFY_KEY}
        inputs:
          customer_id: "{{sender.id}}"
          channel: "{{platform}}"
        settings:
          resetCommands: ["/reset", "new topic"]
          fallbackText: "Sorry, try again later."
    bots:
      - name: wecom-helpdesk
        id: acme-wecom
        platform: wecom
        mode: app
        workflow: support-chat
        credentials:
          corpId: ww-acme
          agentId: "1000002"
          secret: \${WECOM_SECRET}
          token: \${WECOM_TOKEN}
          encodingAesKey: \${WECOM_AES}
        settings:
          replyFormat: markdown
      - name: slack-support
        id: acme-slack
        platform: slack
        mode: events_http
        workflow: support-chat
        approval: always
        credentials:
          botToken: \${SLACK_TOKEN}
          signingSecret: \${SLACK_SIGNING}
        settings:
          streaming: true
          listen: mentions
`;

const YAML = { headers: { 'content-type': 'application/yaml' } };

forEachDatabase('config as code', (database) => {
  let source: AdminServer;
  let target: AdminServer;
  let dir: string;
  let tenantId: string;
  let builder: ApiClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
    source = await startAdminServer({ database });
    target = await startAdminServer({ database });
    const file = join(dir, 'source.yaml');
    writeFileSync(file, CONFIG);
    const applied = await runCli(['config', 'apply', '-f', file], { env: { ...source.t.env, ...secrets }, timeoutMs: 60_000 });
    expect(applied.code, applied.stderr).toBe(0);
    tenantId = (await source.runtime.repos.tenants.getBySlug('acme'))!.id;
    builder = await signedIn(source, { email: 'builder@example.com', tenantId, role: 'builder' });
  }, 120_000);
  afterAll(async () => {
    await source?.close();
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const exported = async (server: AdminServer, client: ApiClient, id: string) => {
    const res = await client.get(`${API}/tenants/${id}/config.yaml`, { headers: { accept: 'application/yaml' } });
    expect(res.status, res.text).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/yaml/);
    return res.text;
  };

  it('export → apply on an empty instance (CLI, secrets as env) → export is byte-identical; the CLI prints the same bytes', async () => {
    const first = await exported(source, builder, tenantId);
    for (const secret of Object.values(secrets)) expect(first).not.toContain(secret);
    for (const name of Object.keys(exportedEnv)) expect(first).toContain(`#   ${name}\n`);

    const cli = await runCli(['config', 'export', '--tenant', 'acme'], { env: source.t.env, timeoutMs: 60_000 });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toBe(first);

    const file = join(dir, 'exported.yaml');
    writeFileSync(file, first);
    const applied = await runCli(['config', 'apply', '-f', file], { env: { ...target.t.env, ...exportedEnv }, timeoutMs: 60_000 });
    expect(applied.code, applied.stderr).toBe(0);
    const targetTenant = (await target.runtime.repos.tenants.getBySlug('acme'))!;
    const targetClient = await signedIn(target, { email: 'admin@example.com', tenantId: targetTenant.id, role: 'admin' });
    expect(await exported(target, targetClient, targetTenant.id)).toBe(first);
    const bot = await target.runtime.repos.bots.getRecord(targetTenant.id, 'acme-slack');
    expect(bot?.credentials).toEqual({ botToken: secrets.SLACK_TOKEN, signingSecret: secrets.SLACK_SIGNING });
  }, 120_000);

  it('the CLI names an unknown tenant and the ones there are, without a stack trace', async () => {
    const cli = await runCli(['config', 'export', '--tenant', 'nope'], { env: source.t.env, timeoutMs: 60_000 });
    expect(cli.code).not.toBe(0);
    expect(cli.stdout).toBe('');
    expect(errorLines(cli).join('\n')).toMatch(/No tenant "nope"; tenants: acme/);
    expect(cli.stderr).not.toMatch(STACK_FRAME);
  }, 60_000);

  it('applies its own export over HTTP as a no-op: secrets kept by reference, changed: [], audited', async () => {
    const text = await exported(source, builder, tenantId);
    const auditBefore = await source.runtime.database.db.auditLog.count({ where: { action: 'config.applied', tenantId } });
    for (let i = 0; i < 2; i++) {
      const res = await builder.post(`${API}/tenants/${tenantId}/config`, text, YAML);
      expect(res.status, res.text).toBe(200);
      expect(res.json).toEqual({ changed: [], unchanged: 3 });
    }
    expect(await source.runtime.database.db.auditLog.count({ where: { action: 'config.applied', tenantId } })).toBe(auditBefore + 2);
    const wecom = await source.runtime.repos.bots.getRecord(tenantId, 'acme-wecom');
    expect(wecom?.credentials.secret).toBe(secrets.WECOM_SECRET);
    expect(await exported(source, builder, tenantId)).toBe(text);
  });

  it('applies an edit once, then nothing changes', async () => {
    const text = (await exported(source, builder, tenantId)).replace('replyFormat: markdown', 'replyFormat: text');
    const first = await builder.post(`${API}/tenants/${tenantId}/config`, text, YAML);
    expect(first.status, first.text).toBe(200);
    expect(first.json.changed).toEqual([{ kind: 'bot', name: 'acme/wecom-helpdesk', id: 'acme-wecom' }]);
    const second = await builder.post(`${API}/tenants/${tenantId}/config`, text, YAML);
    expect(second.json.changed).toEqual([]);
    expect((await source.runtime.repos.bots.getRecord(tenantId, 'acme-wecom'))?.settings).toMatchObject({ replyFormat: 'text' });
  });

  it('answers 422 naming line and field for a typo, a secret in clear and a secret with nothing stored; nothing changes', async () => {
    const text = await exported(source, builder, tenantId);
    const lines = text.split('\n');
    const approvalLine = lines.findIndex((l) => l.includes('approval: always')) + 1;
    const typo = text.replace('approval: always', 'aproval: always');
    const res = await builder.post(`${API}/tenants/${tenantId}/config`, typo, YAML);
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.details.fields).toContainEqual(expect.objectContaining({ line: approvalLine, path: expect.stringContaining('aproval') }));
    expect(res.json.error.details.fields[0].message).toMatch(/approval/);

    const inClear = text.replace('${ACME_SLACK_SUPPORT_BOT_TOKEN}', 'xoxb-1-plaintext');
    const clear = await builder.post(`${API}/tenants/${tenantId}/config`, inClear, YAML);
    expect(clear.status).toBe(422);
    expect(clear.text).not.toContain('xoxb-1-plaintext');
    expect(clear.json.error.details.fields[0]).toMatchObject({ path: 'tenants[0].bots[0].credentials.botToken', line: expect.any(Number) });

    const renamed = text.replace('name: slack-support', 'name: slack-new').replace('id: acme-slack', 'id: acme-slack-new');
    const missing = await builder.post(`${API}/tenants/${tenantId}/config`, renamed, YAML);
    expect(missing.status).toBe(422);
    const botTokenLine = renamed.split('\n').findIndex((l) => l.includes('botToken:')) + 1;
    expect(missing.json.error.details.fields).toContainEqual(
      expect.objectContaining({ line: botTokenLine, path: 'tenants[0].bots[0].credentials.botToken', message: expect.stringMatching(/no stored value/) }),
    );
    expect(await source.runtime.repos.bots.listRecords(tenantId)).toHaveLength(2);

    // The server's own environment is not there to read: a reference outside a secret field resolves to nothing.
    expect(process.env.HOME).toBeTruthy();
    const envRead = await builder.post(`${API}/tenants/${tenantId}/config`, text.replace('fallbackText: Sorry, try again later.', 'fallbackText: ${HOME}'), YAML);
    expect(envRead.status, envRead.text).toBe(422);
    expect(envRead.json.error.details.fields[0]).toMatchObject({ path: 'tenants[0].workflows[0].settings.fallbackText', message: 'environment variable HOME is not set' });

    const otherSlug = await builder.post(`${API}/tenants/${tenantId}/config`, 'version: 1\ntenants:\n  - slug: other\n    name: Other\n', YAML);
    expect(otherSlug.status).toBe(422);
    expect(otherSlug.json.error.details.fields[0]).toMatchObject({ line: 3, path: 'tenants[0].slug' });
    expect(await source.runtime.repos.tenants.getBySlug('other')).toBeNull();
  });

  it('refuses other media types (415), the operator role (403) and another tenant (404)', async () => {
    const text = await exported(source, builder, tenantId);
    expect((await builder.post(`${API}/tenants/${tenantId}/config`, text, { headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    const operator = await signedIn(source, { email: 'operator@example.com', tenantId, role: 'operator' });
    expect((await operator.get(`${API}/tenants/${tenantId}/config.yaml`)).status).toBe(403);
    expect((await operator.post(`${API}/tenants/${tenantId}/config`, text, YAML)).status).toBe(403);
    const other = await source.runtime.repos.tenants.create({ slug: 'other', name: 'Other' });
    const stranger = await signedIn(source, { email: 'stranger@example.com', tenantId: other.id, role: 'admin' });
    expect((await stranger.get(`${API}/tenants/${tenantId}/config.yaml`)).status).toBe(404);
    expect((await stranger.post(`${API}/tenants/${tenantId}/config`, text, YAML)).status).toBe(404);
    const own = await stranger.get(`${API}/tenants/${other.id}/config.yaml`);
    expect(own.status).toBe(200);
    expect(own.text).not.toContain('acme');
  });
});
