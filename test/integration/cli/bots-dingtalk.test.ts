/**
 * DingTalk bots through the CLI as a child process: apply a YAML, read what to paste where (`bots show`, offline),
 * and check the connection against the fake DingTalk API and Stream gateway (real servers on 127.0.0.1).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDingtalk, type FakeDingtalk } from '../../fakes/fake-dingtalk.js';
import { startFakeDingtalkStream, type FakeDingtalkStream } from '../../fakes/fake-dingtalk-stream.js';
import { DT_KEYS } from '../../unit/adapters/dingtalk/helpers.js';
import { runCli, type CliRun } from './run-cli.js';

const PUBLIC = 'https://sb.example.com';
const secrets = {
  DT_SECRET: DT_KEYS.clientSecret,
  WRONG_DT_SECRET: 'not-the-dingtalk-secret',
  DT_TOKEN: DT_KEYS.token,
  DT_AES_KEY: DT_KEYS.encodingAesKey,
};

const yaml = (api: FakeDingtalk, gw: FakeDingtalkStream) => {
  const settings = `
        settings:
          apiBaseUrl: ${api.url}
          legacyApiBaseUrl: ${api.url}
          streamGatewayUrl: ${gw.url}`;
  return `version: 1
tenants:
  - slug: acme
    name: Acme
    bots:
      - name: ding
        id: acme-ding
        platform: dingtalk
        mode: robot_http
        credentials:
          clientId: ${DT_KEYS.clientId}
          clientSecret: \${DT_SECRET}${settings}
      - name: ding-events
        id: acme-ding-events
        platform: dingtalk
        mode: event_http
        credentials:
          clientId: ${DT_KEYS.clientId}
          clientSecret: \${DT_SECRET}
          token: \${DT_TOKEN}
          encodingAesKey: \${DT_AES_KEY}${settings}
          cardTemplateId: tpl.answer.schema
      - name: ding-stream
        id: acme-ding-stream
        platform: dingtalk
        mode: stream
        credentials:
          clientId: ${DT_KEYS.clientId}
          clientSecret: \${DT_SECRET}${settings}
  - slug: globex
    name: Globex
    bots:
      - name: ding
        id: globex-ding
        platform: dingtalk
        mode: robot_http
        credentials:
          clientId: ${DT_KEYS.clientId}
          clientSecret: \${WRONG_DT_SECRET}${settings}
`;
};

let api: FakeDingtalk;
let gw: FakeDingtalkStream;
let dir: string;
let env: Record<string, string>;
const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: dir, env: { ...env, ...extra } });

function expectNoClientSecret(run: CliRun): void {
  for (const value of [secrets.DT_SECRET, secrets.WRONG_DT_SECRET]) expect(run.stdout + run.stderr).not.toContain(value);
}

beforeAll(async () => {
  [api, gw] = await Promise.all([
    startFakeDingtalk({ clientId: DT_KEYS.clientId, clientSecret: DT_KEYS.clientSecret }),
    startFakeDingtalkStream({ clientId: DT_KEYS.clientId, clientSecret: DT_KEYS.clientSecret }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'switchboard-cli-dingtalk-'));
  writeFileSync(join(dir, 'switchboard.yaml'), yaml(api, gw));
  env = { ...secrets, SWITCHBOARD_DATA_DIR: join(dir, 'data'), PUBLIC_BASE_URL: PUBLIC };
  const applied = await cli(['config', 'apply', '-f', 'switchboard.yaml']);
  expect(applied.code, applied.stderr).toBe(0);
  expect(applied.stdout).toContain(`${PUBLIC}/hooks/dingtalk/acme-ding`);
}, 60_000);

afterAll(async () => {
  await Promise.all([api?.close(), gw?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('switchboard bots show (DingTalk)', () => {
  it('robot_http: the full callback URL, where to paste it, and publishing', async () => {
    const run = await cli(['bots', 'show', 'acme-ding']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`callback URL\\s+${PUBLIC}/hooks/dingtalk/acme-ding\\n`));
    expect(run.stdout).toMatch(/^1\. DingTalk developer console \(open-dev\.dingtalk\.com\) → your app → Robot .*HTTP mode$/m);
    expect(run.stdout).toMatch(new RegExp(`Message receiving address\\s+${PUBLIC}/hooks/dingtalk/acme-ding\\n`));
    expect(run.stdout).toMatch(/publish an app version/);
    expect(run.stdout).not.toMatch(/no setup guide/);
    expectNoClientSecret(run);
  });

  it('event_http: the Token, aes_key and Request URL to paste, the robot step, and the card permissions', async () => {
    const run = await cli(['bots', 'show', 'ding-events', '--tenant', 'acme']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^1\. .*Events & Callbacks .*HTTP/m);
    expect(run.stdout).toMatch(new RegExp(`Token\\s+${DT_KEYS.token}\\n`));
    expect(run.stdout).toMatch(new RegExp(`aes_key\\s+${DT_KEYS.encodingAesKey}\\n`));
    expect(run.stdout).toMatch(new RegExp(`Request URL\\s+${PUBLIC}/hooks/dingtalk/acme-ding-events\\n`));
    expect(run.stdout).toMatch(/check_url/);
    expect(run.stdout).toMatch(/^2\. .*Robot .*HTTP mode$/m);
    expect(run.stdout).toMatch(/^3\. .*Permissions/m);
    expect(run.stdout).toMatch(/Card\.Instance\.Write and Card\.Streaming\.Write/);
    expectNoClientSecret(run);
  });

  it('stream: no URL — Stream mode keeps its own connection', async () => {
    const run = await cli(['bots', 'show', 'acme-ding-stream']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/callback URL\s+none \(Stream mode\)/);
    expect(run.stdout).toMatch(/Stream mode.*No URL: Stream mode keeps its own connection/s);
    expect(run.stdout).not.toContain('/hooks/dingtalk/');
    expectNoClientSecret(run);
  });

  it('without PUBLIC_BASE_URL: the path and the variable to set', async () => {
    const run = await cli(['bots', 'show', 'acme-ding'], { PUBLIC_BASE_URL: '' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/callback URL\s+\/hooks\/dingtalk\/acme-ding\n/);
    expect(run.stdout).toMatch(/PUBLIC_BASE_URL is not set/);
  });
});

describe('switchboard bots check (DingTalk)', () => {
  it('robot_http with the right secret: ✓ access token and robot code, exit 0', async () => {
    const run = await cli(['bots', 'check', 'acme-ding']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^✓ Access token: Fetched an access token for Client ID ${DT_KEYS.clientId}`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^✓ Robot code: DingTalk knows robotCode ${DT_KEYS.clientId}`, 'm'));
    expect(api.callsTo('/v1.0/oauth2/accessToken').length).toBeGreaterThan(0);
    expectNoClientSecret(run);
  });

  it('stream: the gateway issues a connection ticket, exit 0', async () => {
    const run = await cli(['bots', 'check', 'acme-ding-stream']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^✓ Stream connection: The Stream gateway issued a connection ticket/m);
  });

  it('a wrong clientSecret: ✗ Access token with the fix, exit 1, the secret never printed', async () => {
    const run = await cli(['bots', 'check', 'ding', '--tenant', 'globex']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ Access token: DingTalk rejected the Client ID \/ Client Secret.*Credentials/m);
    expectNoClientSecret(run);
  });
});
