import { describe, expect, it } from 'vitest';
import { envName, exportDeclarativeConfig, type ExportInput } from '../../../src/config/declarative-export.js';
import { parseDeclarativeConfig } from '../../../src/config/declarative-parse.js';

const SECRETS = { apiKey: 'app-dify-key-123', secret: 'wecom-app-secret', token: 'CallbackToken123', aes: 'a'.repeat(43), botToken: 'xoxb-1-2-3', signing: 'slack-signing-secret-0123' };

function input(): ExportInput {
  return {
    tenant: { slug: 'acme', name: 'Acme Support' },
    workflows: [
      { id: 'w2', name: 'zeta', kind: 'dify_workflow', baseUrl: 'http://127.0.0.1:5001/v1', inputMapping: {}, outputSelector: 'answer', responseMode: 'blocking', timeoutMs: 30_000, settings: {} },
      {
        id: 'w1',
        name: 'support-chat',
        kind: 'dify_chat',
        baseUrl: 'https://api.dify.ai/v1',
        inputMapping: { zz: '{{sender.id}}', channel: '{{platform}}' },
        outputSelector: null,
        responseMode: 'streaming',
        timeoutMs: 120_000,
        settings: { resetCommands: ['/reset'], fallbackText: 'Sorry' },
      },
    ],
    bots: [
      {
        id: 'acme-slack',
        name: 'slack-support',
        platform: 'slack',
        mode: 'events_http',
        workflowId: 'w1',
        enabled: true,
        approvalPolicy: 'none',
        credentials: { signingSecret: SECRETS.signing, botToken: SECRETS.botToken },
        settings: { streaming: true, listen: 'mentions' },
        visibleCredentials: new Set(),
      },
      {
        id: 'acme-wecom',
        name: 'helpdesk',
        platform: 'wecom',
        mode: 'app',
        workflowId: null,
        enabled: false,
        approvalPolicy: 'always',
        credentials: { token: SECRETS.token, corpId: 'ww0123', secret: SECRETS.secret, agentId: '1000002', encodingAesKey: SECRETS.aes },
        settings: { replyFormat: 'text' },
        visibleCredentials: new Set(['corpId', 'agentId']),
      },
    ],
  };
}

const EXPECTED = `# Switchboard config of tenant acme: apply with \`switchboard config apply -f <file>\`.
# Secrets are not in this file; set these environment variables before applying it elsewhere:
#   ACME_SUPPORT_CHAT_API_KEY
#   ACME_ZETA_API_KEY
#   ACME_HELPDESK_ENCODING_AES_KEY
#   ACME_HELPDESK_SECRET
#   ACME_HELPDESK_TOKEN
#   ACME_SLACK_SUPPORT_BOT_TOKEN
#   ACME_SLACK_SUPPORT_SIGNING_SECRET

version: 1
tenants:
  - slug: acme
    name: Acme Support
    workflows:
      - name: support-chat
        kind: dify_chat
        baseUrl: https://api.dify.ai/v1
        apiKey: \${ACME_SUPPORT_CHAT_API_KEY}
        inputs:
          channel: "{{platform}}"
          zz: "{{sender.id}}"
        responseMode: streaming
        timeoutMs: 120000
        settings:
          fallbackText: Sorry
          resetCommands:
            - /reset
      - name: zeta
        kind: dify_workflow
        baseUrl: http://127.0.0.1:5001/v1
        apiKey: \${ACME_ZETA_API_KEY}
        inputs: {}
        output: answer
        responseMode: blocking
        timeoutMs: 30000
        settings: {}
    bots:
      - name: helpdesk
        id: acme-wecom
        platform: wecom
        mode: app
        enabled: false
        approval: always
        credentials:
          agentId: "1000002"
          corpId: ww0123
          encodingAesKey: \${ACME_HELPDESK_ENCODING_AES_KEY}
          secret: \${ACME_HELPDESK_SECRET}
          token: \${ACME_HELPDESK_TOKEN}
        settings:
          replyFormat: text
      - name: slack-support
        id: acme-slack
        platform: slack
        mode: events_http
        workflow: support-chat
        enabled: true
        approval: none
        credentials:
          botToken: \${ACME_SLACK_SUPPORT_BOT_TOKEN}
          signingSecret: \${ACME_SLACK_SUPPORT_SIGNING_SECRET}
        settings:
          listen: mentions
          streaming: true
`;

describe('exportDeclarativeConfig', () => {
  it('writes the schema order, sorted by name and key, with secrets as references listed in the header', () => {
    const { text, env } = exportDeclarativeConfig(input());
    expect(text).toBe(EXPECTED);
    expect(env).toEqual([
      'ACME_SUPPORT_CHAT_API_KEY',
      'ACME_ZETA_API_KEY',
      'ACME_HELPDESK_ENCODING_AES_KEY',
      'ACME_HELPDESK_SECRET',
      'ACME_HELPDESK_TOKEN',
      'ACME_SLACK_SUPPORT_BOT_TOKEN',
      'ACME_SLACK_SUPPORT_SIGNING_SECRET',
    ]);
  });

  it('gives the same bytes whatever order the rows and their JSON keys come in', () => {
    const shuffled = input();
    shuffled.workflows = [...shuffled.workflows].reverse().map((w) => ({ ...w, settings: Object.fromEntries(Object.entries(w.settings).reverse()) }));
    shuffled.bots = [...shuffled.bots].reverse().map((b) => ({ ...b, credentials: Object.fromEntries(Object.entries(b.credentials).reverse()) }));
    expect(exportDeclarativeConfig(shuffled).text).toBe(exportDeclarativeConfig(input()).text);
  });

  it('never writes a secret value, even of a field the adapter does not declare', () => {
    const data = input();
    data.bots[1]!.credentials.extra = 'undeclared-field-value';
    const { text } = exportDeclarativeConfig(data);
    for (const secret of [...Object.values(SECRETS), 'undeclared-field-value']) expect(text).not.toContain(secret);
    expect(text).toContain('extra: ${ACME_HELPDESK_EXTRA}');
  });

  it('is a file the parser reads back to the same values once the variables are set', () => {
    const values: Record<string, string> = {
      ACME_SUPPORT_CHAT_API_KEY: SECRETS.apiKey,
      ACME_ZETA_API_KEY: SECRETS.apiKey,
      ACME_HELPDESK_ENCODING_AES_KEY: SECRETS.aes,
      ACME_HELPDESK_SECRET: SECRETS.secret,
      ACME_HELPDESK_TOKEN: SECRETS.token,
      ACME_SLACK_SUPPORT_BOT_TOKEN: SECRETS.botToken,
      ACME_SLACK_SUPPORT_SIGNING_SECRET: SECRETS.signing,
    };
    const parsed = parseDeclarativeConfig(exportDeclarativeConfig(input()).text, values);
    const tenant = parsed.tenants[0]!;
    expect(tenant.workflows.map((w) => [w.name, w.apiKey, w.output])).toEqual([
      ['support-chat', SECRETS.apiKey, undefined],
      ['zeta', SECRETS.apiKey, 'answer'],
    ]);
    expect(tenant.bots.find((b) => b.name === 'helpdesk')).toMatchObject({ id: 'acme-wecom', enabled: false, approval: 'always', credentials: { corpId: 'ww0123', secret: SECRETS.secret } });
    expect(tenant.bots.find((b) => b.name === 'slack-support')).toMatchObject({ workflow: 'support-chat', credentials: { botToken: SECRETS.botToken } });
  });

  it('gives two secrets whose names would clash different variables', () => {
    const data = input();
    data.bots[0]!.name = 'support-chat';
    data.bots[0]!.credentials = { apiKey: 'x' };
    const { env } = exportDeclarativeConfig(data);
    expect(env.filter((name) => name.startsWith('ACME_SUPPORT_CHAT_API_KEY'))).toEqual(['ACME_SUPPORT_CHAT_API_KEY', 'ACME_SUPPORT_CHAT_API_KEY_2']);
  });

  it('derives variable names from slug, object name and field', () => {
    expect(envName('acme', 'helpdesk-slack', 'botToken')).toBe('ACME_HELPDESK_SLACK_BOT_TOKEN');
    expect(envName('9lives', 'chat', 'apiKey')).toBe('_9LIVES_CHAT_API_KEY');
  });
});
