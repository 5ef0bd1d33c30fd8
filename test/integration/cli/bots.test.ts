/**
 * The setup path of a new user, through the CLI as a child process: apply a YAML, list the bots, read what to paste
 * where, run the connection checks against fakes of Slack, WeCom and Dify (real servers on 127.0.0.1).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDify } from '../../fakes/fake-dify.js';
import { FakeSlack } from '../../fakes/fake-slack.js';
import { startFakeWecom, type FakeWecom } from '../../fakes/fake-wecom.js';
import { errorLines, runCli, STACK_FRAME, type CliRun } from './run-cli.js';

const PUBLIC = 'https://sb.example.com';
const secrets = {
  DIFY_KEY: 'app-fake-key',
  WRONG_DIFY_KEY: 'app-wrong-key-123456',
  SLACK_SIGNING: '0123456789abcdef0123456789abcdef',
  WRONG_SLACK_TOKEN: 'xoxb-revoked-token',
  WECOM_SECRET: 'wecom-app-secret-value',
  WRONG_WECOM_SECRET: 'not-the-wecom-secret',
  WECOM_TOKEN: 'CallbackToken123',
  WECOM_AES_KEY: randomBytes(32).toString('base64').slice(0, 43),
};

const yaml = (dify: FakeDify) => `version: 1
tenants:
  - slug: acme
    name: Acme
    workflows:
      - name: chat
        kind: dify_chat
        baseUrl: ${dify.url}
        apiKey: \${DIFY_KEY}
    bots:
      - name: slack
        id: acme-slack
        platform: slack
        mode: events_http
        workflow: chat
        credentials:
          botToken: \${SLACK_BOT_TOKEN}
          signingSecret: \${SLACK_SIGNING}
      - name: wecom
        id: acme-wecom
        platform: wecom
        mode: app
        workflow: chat
        credentials:
          corpId: ww-acme
          agentId: "1000002"
          secret: \${WECOM_SECRET}
          token: \${WECOM_TOKEN}
          encodingAesKey: \${WECOM_AES_KEY}
      - name: socket
        id: acme-socket
        platform: slack
        mode: socket
        enabled: false
        credentials:
          botToken: \${SLACK_BOT_TOKEN}
          appToken: \${SLACK_APP_TOKEN}
  - slug: globex
    name: Globex
    workflows:
      - name: chat
        kind: dify_chat
        baseUrl: ${dify.url}
        apiKey: \${WRONG_DIFY_KEY}
    bots:
      - name: slack
        id: globex-slack
        platform: slack
        mode: events_http
        credentials:
          botToken: \${WRONG_SLACK_TOKEN}
          signingSecret: \${SLACK_SIGNING}
      - name: wecom
        id: globex-wecom
        platform: wecom
        mode: app
        credentials:
          corpId: ww-acme
          agentId: "1000002"
          secret: \${WRONG_WECOM_SECRET}
          token: \${WECOM_TOKEN}
          encodingAesKey: \${WECOM_AES_KEY}
`;

let slack: FakeSlack;
let wecom: FakeWecom;
let dify: FakeDify;
let dir: string;
let env: Record<string, string>;
const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: dir, env: { ...env, ...extra } });

/** Nothing the user must not see: the Slack token and signing secret, the WeCom app secret, the Dify key. */
function expectNoHiddenSecrets(run: CliRun): void {
  for (const value of [slack.botToken, slack.appToken, secrets.SLACK_SIGNING, secrets.WECOM_SECRET, secrets.DIFY_KEY]) {
    expect(run.stdout + run.stderr).not.toContain(value);
  }
}

beforeAll(async () => {
  [slack, wecom, dify] = await Promise.all([
    FakeSlack.start(),
    startFakeWecom({ corpId: 'ww-acme', secret: secrets.WECOM_SECRET, agentId: '1000002', agentName: 'Helpdesk' }),
    FakeDify.start({ mode: 'chat' }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'switchboard-cli-bots-'));
  writeFileSync(join(dir, 'switchboard.yaml'), yaml(dify));
  env = {
    ...secrets,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SWITCHBOARD_DATA_DIR: join(dir, 'data'),
    PUBLIC_BASE_URL: PUBLIC,
    SLACK_API_URL: slack.apiUrl,
    WECOM_API_BASE: wecom.url,
  };
  const applied = await cli(['config', 'apply', '-f', 'switchboard.yaml']);
  expect(applied.code, applied.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await Promise.all([slack?.close(), wecom?.close(), dify?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('switchboard config apply', () => {
  it("prints each bot's full callback URL and where to read the rest", async () => {
    const run = await cli(['config', 'apply', '-f', 'switchboard.yaml']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${PUBLIC}/hooks/slack/acme-slack`);
    expect(run.stdout).toContain(`${PUBLIC}/hooks/wecom/acme-wecom`);
    expect(run.stdout).toContain('switchboard bots show acme-wecom');
    expect(run.stderr).toContain(`Database: SQLite ${join(dir, 'data', 'switchboard.db')}`);
    expectNoHiddenSecrets(run);
  });

  it('without PUBLIC_BASE_URL shows the path and says what to set', async () => {
    const run = await cli(['config', 'apply', '-f', 'switchboard.yaml'], { PUBLIC_BASE_URL: '' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('/hooks/slack/acme-slack');
    expect(run.stdout).not.toContain(PUBLIC);
    expect(run.stdout).toMatch(/PUBLIC_BASE_URL is not set/);
  });
});

describe('switchboard bots', () => {
  it('list: one row per bot with tenant, id, platform, mode, state, workflow and full URL', async () => {
    const run = await cli(['bots', 'list']);
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/TENANT\s+NAME\s+ID\s+PLATFORM\s+MODE\s+ENABLED\s+WORKFLOW\s+CALLBACK URL/);
    const row = (id: string) => rows.find((r) => r.includes(` ${id} `))?.trim().split(/\s+/);
    expect(row('acme-wecom')).toEqual(['acme', 'wecom', 'acme-wecom', 'wecom', 'app', 'yes', 'chat', `${PUBLIC}/hooks/wecom/acme-wecom`]);
    expect(row('globex-slack')).toEqual(['globex', 'slack', 'globex-slack', 'slack', 'events_http', 'yes', '–', `${PUBLIC}/hooks/slack/globex-slack`]);
    expect(row('acme-socket')?.slice(0, 7)).toEqual(['acme', 'socket', 'acme-socket', 'slack', 'socket', 'no', '–']);
    expect(rows).toHaveLength(6);
    expectNoHiddenSecrets(run);
  });

  it('list --tenant filters', async () => {
    const run = await cli(['bots', 'list', '--tenant', 'globex']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('globex-wecom');
    expect(run.stdout).not.toContain('acme-');
  });

  it('show (WeCom): the full URL and the Token and EncodingAESKey to paste, with where', async () => {
    const run = await cli(['bots', 'show', 'acme-wecom']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${PUBLIC}/hooks/wecom/acme-wecom`);
    expect(run.stdout).toMatch(new RegExp(`Token\\s+${secrets.WECOM_TOKEN}`));
    expect(run.stdout).toMatch(new RegExp(`EncodingAESKey\\s+${secrets.WECOM_AES_KEY.replace(/[+/]/g, '\\$&')}`));
    expect(run.stdout).toMatch(/Receive messages/);
    expect(run.stdout).toMatch(/trusted IP/i);
    expectNoHiddenSecrets(run);
  });

  it('show (Slack) by name and tenant: Request URL, events, scopes, manifest hint; never the token or signing secret', async () => {
    const run = await cli(['bots', 'show', 'slack', '--tenant', 'acme']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Request URL\\s+${PUBLIC}/hooks/slack/acme-slack`));
    expect(run.stdout).toMatch(/app_mention, message\.im/);
    expect(run.stdout).toMatch(/chat:write/);
    expect(run.stdout).toContain('switchboard slack manifest acme-slack');
    expectNoHiddenSecrets(run);
  });

  it('show (Slack Socket Mode): no Request URL, the app-level token step instead', async () => {
    const run = await cli(['bots', 'show', 'acme-socket']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('Request URL');
    expect(run.stdout).toMatch(/Socket Mode/);
    expect(run.stdout).toMatch(/connections:write/);
  });

  it('show works offline: without PUBLIC_BASE_URL it shows the path and the variable to set', async () => {
    const run = await cli(['bots', 'show', 'acme-wecom'], { PUBLIC_BASE_URL: '', WECOM_API_BASE: 'http://127.0.0.1:9' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('/hooks/wecom/acme-wecom');
    expect(run.stdout).toMatch(/PUBLIC_BASE_URL is not set/);
  });

  it('a name two tenants use needs --tenant, and the error lists them', async () => {
    const run = await cli(['bots', 'show', 'slack']);
    expect(run.code).not.toBe(0);
    const lines = errorLines(run);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/acme.*globex.*--tenant/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('an unknown bot is one line naming it', async () => {
    const run = await cli(['bots', 'check', 'nope']);
    expect(run.code).not.toBe(0);
    expect(errorLines(run)).toEqual([expect.stringMatching(/no bot "nope".*switchboard bots list/i)]);
  });

  it('check (Slack): each step with ✓, exit 0', async () => {
    const run = await cli(['bots', 'check', 'acme-slack']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^✓ Bot token: Connected to workspace Fake Team/m);
    expect(run.stdout).toMatch(/^✓ Scopes: /m);
    expect(run.stdout).toMatch(/^✓ Signing secret: /m);
    expect(slack.callsTo('auth.test').length).toBeGreaterThan(0);
    expectNoHiddenSecrets(run);
  });

  it('check (WeCom): keys, access token and agent, exit 0', async () => {
    const run = await cli(['bots', 'check', 'wecom', '--tenant', 'acme']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^✓ Callback keys: /m);
    expect(run.stdout).toMatch(/^✓ Access token: Fetched an access token for CorpID ww-acme/m);
    expect(run.stdout).toMatch(/^✓ Agent: AgentId 1000002 is the app "Helpdesk"/m);
  });

  it('check with a wrong Slack token: ✗ with the fix, exit 1', async () => {
    const run = await cli(['bots', 'check', 'slack', '--tenant', 'globex']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ Bot token: .*reinstall/m);
    expect(run.stdout).not.toContain(secrets.WRONG_SLACK_TOKEN);
  });

  it('check with a wrong WeCom secret: ✗ Access token, exit 1', async () => {
    const run = await cli(['bots', 'check', 'globex-wecom']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✓ Callback keys: /m);
    expect(run.stdout).toMatch(/^✗ Access token: /m);
    expect(run.stdout).not.toContain(secrets.WRONG_WECOM_SECRET);
  });
});

describe('switchboard slack manifest', () => {
  it('prints a ready-to-paste manifest as JSON, or YAML', async () => {
    const json = await cli(['slack', 'manifest', 'acme-slack']);
    expect(json.code, json.stderr).toBe(0);
    const manifest = JSON.parse(json.stdout) as { settings: { event_subscriptions: { request_url: string; bot_events: string[] } } };
    expect(manifest.settings.event_subscriptions.request_url).toBe(`${PUBLIC}/hooks/slack/acme-slack`);
    expect(manifest.settings.event_subscriptions.bot_events).toContain('app_mention');
    const yamlRun = await cli(['slack', 'manifest', 'slack', '--tenant', 'acme', '--format', 'yaml']);
    expect(yamlRun.code, yamlRun.stderr).toBe(0);
    expect(parseYaml(yamlRun.stdout)).toEqual(manifest);
  });

  it('refuses a bot of another platform', async () => {
    const run = await cli(['slack', 'manifest', 'acme-wecom']);
    expect(run.code).not.toBe(0);
    expect(errorLines(run)).toEqual([expect.stringMatching(/acme-wecom.*wecom.*not a Slack bot/)]);
  });
});

describe('switchboard workflows check', () => {
  it('a workflow Dify accepts: each step with ✓, exit 0', async () => {
    const run = await cli(['workflows', 'check', 'chat', '--tenant', 'acme']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^✓ api_key: Dify accepted the API key/m);
    expect(run.stdout).toMatch(/^✓ app_mode: /m);
    expectNoHiddenSecrets(run);
  });

  it('a wrong API key: ✗ with the fix, exit 1', async () => {
    const run = await cli(['workflows', 'check', 'chat', '--tenant', 'globex']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ api_key: The API key was rejected by Dify/m);
    expect(run.stdout).not.toContain(secrets.WRONG_DIFY_KEY);
  });
});

describe('read-only commands and the database', () => {
  it('run elsewhere, they name the database they looked for instead of creating a new one', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'switchboard-cli-elsewhere-'));
    try {
      const run = await runCli(['bots', 'list'], { cwd: elsewhere, env: { PUBLIC_BASE_URL: PUBLIC } });
      expect(run.code).not.toBe(0);
      expect(errorLines(run)).toEqual([expect.stringContaining(`No database at ${join(elsewhere, 'data', 'switchboard.db')}`)]);
      expect(readdirSync(elsewhere)).toEqual([]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
