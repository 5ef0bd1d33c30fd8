import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDeclarativeConfig } from '../../../src/config/declarative-apply.js';
import { parseDeclarativeConfig } from '../../../src/config/declarative-parse.js';
import { ConfigError } from '../../../src/errors.js';
import { createTestRuntime, type TestRuntime } from '../../support/runtime.js';

const secrets = {
  DIFY_KEY: 'app-dify-secret-key',
  SLACK_BOT_TOKEN: 'xoxb-123-secret',
  SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
};

const yaml = (opts: { listen?: string; signing?: string; timeout?: number; signingKey?: string; settingsKey?: string } = {}) => `version: 1
tenants:
  - slug: acme
    name: Acme
    workflows:
      - name: chat
        kind: dify_chat
        baseUrl: http://127.0.0.1:9/v1
        apiKey: \${DIFY_KEY}
        timeoutMs: ${opts.timeout ?? 60000}
    bots:
      - name: slack
        id: acme-slack
        platform: slack
        mode: events_http
        workflow: chat
        credentials:
          botToken: \${SLACK_BOT_TOKEN}
          ${opts.signingKey ?? 'signingSecret'}: \${${opts.signing ?? 'SLACK_SIGNING_SECRET'}}
        settings:
          ${opts.settingsKey ?? 'listen'}: ${opts.listen ?? 'mentions'}
`;

const wecomSecrets = { WECOM_TOKEN: 'token123', WECOM_AES: 'a'.repeat(43) };

const wecomYaml = (settingsKey: string) => `version: 1
tenants:
  - slug: acme
    name: Acme
    bots:
      - name: wecom
        platform: wecom
        mode: smart_bot
        credentials:
          token: \${WECOM_TOKEN}
          encodingAesKey: \${WECOM_AES}
        settings:
          ${settingsKey}: text
`;

describe('applyDeclarativeConfig', () => {
  let t: TestRuntime;
  const apply = (text: string, env: Record<string, string> = secrets, publicBaseUrl?: string) =>
    applyDeclarativeConfig(parseDeclarativeConfig(text, env, 'test.yaml'), { stores: t.runtime.repos, adapters: t.runtime.adapters, publicBaseUrl });

  beforeAll(async () => {
    t = await createTestRuntime({ database: 'sqlite' });
  });
  afterAll(async () => t?.dispose());

  it('creates tenants, workflows and bots, and re-applying changes nothing', async () => {
    const first = await apply(yaml());
    expect(first.changed.map((c) => c.kind).sort()).toEqual(['bot', 'workflow']);
    expect(first.bots).toEqual([{ tenant: 'acme', name: 'slack', id: 'acme-slack', platform: 'slack', mode: 'events_http', hookPath: '/hooks/slack/acme-slack' }]);
    expect(first.bots[0]).not.toHaveProperty('fullUrl');
    const second = await apply(yaml(), secrets, 'https://sb.example.com/');
    expect(second.changed).toEqual([]);
    expect(second.unchanged).toBe(2);
    expect(second.bots[0]?.fullUrl).toBe('https://sb.example.com/hooks/slack/acme-slack');
  });

  it('updates in place when the file changes', async () => {
    const report = await apply(yaml({ listen: 'all', timeout: 90000 }));
    expect(report.changed.map((c) => `${c.kind}:${c.id}`).sort()).toEqual([expect.stringMatching(/^bot:acme-slack$/), expect.stringMatching(/^workflow:/)].sort());
    const bot = await t.runtime.repos.bots.getRuntime('acme-slack');
    expect(bot?.settings).toMatchObject({ listen: 'all' });
    expect(await t.runtime.database.db.bot.count()).toBe(1);
    expect(await t.runtime.database.db.workflow.count()).toBe(1);
    const workflow = await t.runtime.repos.workflows.getConfigForWorker(bot!.workflowId!);
    expect(workflow).toMatchObject({ timeoutMs: 90000, apiKey: 'app-dify-secret-key' });
  });

  it('validates credentials with the platform adapter, naming the field but never its value', async () => {
    const env = { ...secrets, BAD_SECRET: 'too-short' };
    const attempt = apply(yaml({ signing: 'BAD_SECRET' }), env);
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    const message = await attempt.catch((err: Error) => err.message);
    expect(message).toMatch(/^test\.yaml:19 tenants\[0\]\.bots\[0\]\.credentials\.signingSecret: /);
    expect(message).not.toContain('too-short');
    // Nothing was written: the bot still has the previous, valid secret.
    expect((await t.runtime.repos.bots.getRuntime('acme-slack'))?.credentials.signingSecret).toBe(secrets.SLACK_SIGNING_SECRET);
  });

  it('refuses a typo in bot credentials or settings with file, line, key and the closest valid name, writing nothing', async () => {
    const problem = (attempt: Promise<unknown>) =>
      attempt.then(
        () => {
          throw new Error('the config was applied');
        },
        (err: Error) => err.message,
      );
    const credentials = await problem(apply(yaml({ signingKey: 'signingsecret' })));
    expect(credentials.split('\n')).toEqual([
      'test.yaml:17 tenants[0].bots[0].credentials.signingSecret: Invalid input: expected string, received undefined',
      'test.yaml:19 tenants[0].bots[0].credentials.signingsecret: unknown key "signingsecret" (did you mean "signingSecret"?)',
    ]);
    expect(credentials).not.toContain(secrets.SLACK_SIGNING_SECRET);
    expect(await problem(apply(yaml({ settingsKey: 'Listen' })))).toBe(
      'test.yaml:21 tenants[0].bots[0].settings.Listen: unknown key "Listen" (did you mean "listen"?)',
    );
    expect(await problem(apply(wecomYaml('replyformat'), wecomSecrets))).toBe(
      'test.yaml:13 tenants[0].bots[0].settings.replyformat: unknown key "replyformat" (did you mean "replyFormat"?)',
    );
    expect(await t.runtime.database.db.bot.count()).toBe(1);
    expect((await t.runtime.repos.bots.getRuntime('acme-slack'))?.settings).not.toHaveProperty('Listen');
    // The same bot without the typo applies.
    await expect(apply(wecomYaml('replyFormat'), wecomSecrets)).resolves.toMatchObject({ bots: [{ name: 'wecom', platform: 'wecom' }] });
  });

  it('keeps secrets sealed at rest', async () => {
    const rows = await t.runtime.database.db.$queryRawUnsafe<{ credentials: string }[]>('SELECT credentials FROM bots');
    expect(rows[0]!.credentials).not.toContain(secrets.SLACK_BOT_TOKEN);
    const keys = await t.runtime.database.db.$queryRawUnsafe<{ api_key: string }[]>('SELECT api_key FROM workflows');
    expect(keys[0]!.api_key).not.toContain(secrets.DIFY_KEY);
  });
});

describe('the shipped example', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await createTestRuntime({ database: 'sqlite' });
  });
  afterAll(async () => t?.dispose());

  it('applies the shipped example file, checked by the real adapters', async () => {
    const example = readFileSync(new URL('../../../switchboard.example.yaml', import.meta.url), 'utf8');
    const env = {
      ACME_DIFY_KEY: 'app-example-key',
      ACME_WECOM_CORP_ID: 'ww0123456789abcdef',
      ACME_WECOM_SECRET: 'example-secret',
      ACME_WECOM_TOKEN: 'exampleToken123',
      ACME_WECOM_AES_KEY: 'b'.repeat(43),
      ACME_SLACK_BOT_TOKEN: 'xoxb-1-example',
      ACME_SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
    };
    const report = await applyDeclarativeConfig(parseDeclarativeConfig(example, env, 'switchboard.example.yaml'), {
      stores: t.runtime.repos,
      adapters: t.runtime.adapters,
    });
    expect(report.bots.map((b) => `${b.platform} ${b.hookPath}`)).toEqual(['wecom /hooks/wecom/acme-wecom', 'slack /hooks/slack/acme-slack']);
  });
});
