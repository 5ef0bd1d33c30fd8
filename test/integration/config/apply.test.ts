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

const yaml = (opts: { listen?: string; signing?: string; timeout?: number } = {}) => `version: 1
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
          signingSecret: \${${opts.signing ?? 'SLACK_SIGNING_SECRET'}}
        settings:
          listen: ${opts.listen ?? 'mentions'}
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
    expect(message).toMatch(/tenants\[0\]\.bots\[0\] \(slack\)\.credentials\.signingSecret/);
    expect(message).not.toContain('too-short');
    // Nothing was written: the bot still has the previous, valid secret.
    expect((await t.runtime.repos.bots.getRuntime('acme-slack'))?.credentials.signingSecret).toBe(secrets.SLACK_SIGNING_SECRET);
  });

  it('keeps secrets sealed at rest', async () => {
    const rows = await t.runtime.database.db.$queryRawUnsafe<{ credentials: string }[]>('SELECT credentials FROM bots');
    expect(rows[0]!.credentials).not.toContain(secrets.SLACK_BOT_TOKEN);
    const keys = await t.runtime.database.db.$queryRawUnsafe<{ api_key: string }[]>('SELECT api_key FROM workflows');
    expect(keys[0]!.api_key).not.toContain(secrets.DIFY_KEY);
  });
});
