/**
 * "Why did the platform say verification failed?": each refused callback answers an opaque 401 to the caller and
 * writes one `warn` line with the precise reason for the operator, rate-limited so a flood cannot fill the disk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDify } from '../fakes/fake-dify.js';
import { startFakeWecom, type FakeWecom } from '../fakes/fake-wecom.js';
import { signSlackRequest } from '../fakes/fake-slack-signing.js';
import { slackFixture } from '../fixtures/slack/index.js';
import { capturingLogger } from '../integration/adapters/wecom/support.js';
import { startE2E, type E2E } from '../support/e2e.js';
import { APP, appCallbacks, errorBody, sendCallback, waitFor, wecomSecrets, wecomYaml } from './wecom-support.js';

const SIGNING_SECRET = 'rejection0signing0secret00000000';
const slackBot = `      - name: slack
        id: acme-slack-logs
        platform: slack
        mode: events_http
        workflow: chat
        credentials:
          botToken: \${SLACK_BOT_TOKEN}
          signingSecret: \${SLACK_SIGNING_SECRET}
          botUserId: U0BOT
          botId: B0BOT
`;

describe('refused platform callbacks are logged with their reason', () => {
  let dify: FakeDify;
  let wecom: FakeWecom;
  let e2e: E2E;
  const { logger, lines } = capturingLogger();
  const warnings = () =>
    lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.level === 'warn' && l.msg === 'platform callback rejected');

  beforeAll(async () => {
    dify = await FakeDify.start({ mode: 'chat', chunks: 1 });
    wecom = await startFakeWecom({ corpId: APP.corpId, secret: APP.secret, agentId: APP.agentId });
    const yaml = wecomYaml().replace('\n    bots:\n', `\n    bots:\n${slackBot}`);
    expect(yaml).toContain('acme-slack-logs');
    e2e = await startE2E({ yaml, secrets: { ...wecomSecrets(dify), SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: "xoxb-unused" }, logger, env: { WECOM_API_BASE: wecom.url } });
  });
  afterAll(async () => {
    await e2e?.close();
    await wecom?.close();
    await dify?.close();
  });

  it('a Slack callback with a wrong signature: opaque 401, one warn line naming the reason, no secret', async () => {
    lines.length = 0;
    const { body, contentType } = slackFixture('dm');
    const headers = signSlackRequest(body, { signingSecret: 'not-the-right-secret-000000000000' });
    const res = await e2e.post('/hooks/slack/acme-slack-logs', body, { 'content-type': contentType, ...headers });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({ error: { code: 'unauthorized', message: 'unauthorized' } });
    const logged = warnings();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ platform: 'slack', botId: 'acme-slack-logs', status: 401, reason: 'slack_bad_signature' });
    expect(lines.join('')).not.toContain(SIGNING_SECRET);
  });

  it('a WeCom callback signed 20 minutes ago: opaque 401, one warn line saying the timestamp is stale', async () => {
    lines.length = 0;
    const built = appCallbacks.appMessage({ MsgType: 'text', Content: 'old', MsgId: '99' }, { now: Date.now() - 20 * 60_000 });
    const res = await sendCallback(e2e.web.url, APP.botId, built);
    expect(res.status).toBe(401);
    expect(errorBody(res)).toEqual({ code: 'unauthorized', message: 'unauthorized' });
    const logged = warnings();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ platform: 'wecom', botId: APP.botId, reason: 'stale_timestamp' });
    expect(String(logged[0]!.detail)).toMatch(/timestamp/i);
  });

  it('an unknown bot is a 404 with a warn line too', async () => {
    lines.length = 0;
    const res = await e2e.post('/hooks/wecom/no-such-bot', '<xml/>', { 'content-type': 'text/xml' });
    expect(res.status).toBe(404);
    expect(warnings()).toMatchObject([{ platform: 'wecom', botId: 'no-such-bot', reason: 'unknown_bot' }]);
  });

  it('a flood of 200 forged callbacks writes at most 10 lines, and the metric counts all of them', async () => {
    lines.length = 0;
    const metric = async () =>
      (await e2e.t.runtime.metrics.verificationFailures.get()).values.find((v) => v.labels.platform === 'slack' && v.labels.reason === 'slack_bad_signature')?.value ?? 0;
    const before = await metric();
    const { body, contentType } = slackFixture('dm');
    const headers = signSlackRequest(body, { signingSecret: 'forged-secret-00000000000000000000' });
    for (let i = 0; i < 200; i += 20) {
      await Promise.all(Array.from({ length: 20 }, () => e2e.post('/hooks/slack/acme-slack-logs', body, { 'content-type': contentType, ...headers })));
    }
    expect(warnings().length).toBeLessThanOrEqual(10);
    expect(warnings().length).toBeGreaterThan(0);
    expect((await metric()) - before).toBe(200);
  });

  it('a replied message gives one info line with its outcome, latency and tokens; no line repeats a key', async () => {
    lines.length = 0;
    const res = await sendCallback(e2e.web.url, APP.botId, appCallbacks.appMessage({ MsgType: 'text', Content: 'log my outcome', MsgId: '4242' }));
    expect(res.status).toBe(200);
    const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    await waitFor(() => parsed().some((l) => l.msg === 'message replied'), 10_000, 'the outcome line');
    const outcome = parsed().filter((l) => l.msg === 'message replied');
    expect(outcome).toHaveLength(1);
    expect(outcome[0]).toMatchObject({ level: 'info', botId: APP.botId, platform: 'wecom', outcome: 'replied', tries: 1 });
    expect(outcome[0]!.latencyMs).toEqual(expect.any(Number));
    expect(outcome[0]!.tokens).toEqual(expect.any(Number));
    expect(JSON.stringify(outcome[0])).not.toContain('log my outcome'); // message bodies only at trace
    for (const line of lines) {
      const keys = [...line.matchAll(/"([A-Za-z_]+)":/g)].map((m) => m[1]);
      const top = JSON.parse(line) as Record<string, unknown>;
      expect(keys.filter((k) => k === 'workflowId').length, line).toBeLessThanOrEqual(1);
      expect(Object.keys(top).length).toBeGreaterThan(0);
    }
  });
});
