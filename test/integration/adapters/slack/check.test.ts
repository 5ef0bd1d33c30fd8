import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../../fakes/fake-slack.js';
import { slackAdapter, slackBot } from './helpers.js';

let fake: FakeSlack;
beforeEach(async () => {
  fake = await FakeSlack.start();
});
afterEach(async () => {
  await fake.close();
});

describe('Slack checkConnection', () => {
  it('reports a healthy HTTP bot with setup facts and a manifest', async () => {
    const { adapter } = slackAdapter(fake, { publicBaseUrl: 'https://sb.example.com' });
    const report = await adapter.checkConnection(slackBot(fake));
    expect(report.items.map((i) => [i.name, i.ok])).toEqual([
      ['Bot token', true],
      ['Scopes', true],
      ['Signing secret', true],
    ]);
    expect(report.ok).toBe(true);
    expect(report.items[0]?.detail).toContain('Fake Team');
    expect(report.setup?.requestUrl).toBe('https://sb.example.com/hooks/slack/bot-1');
    const manifest = JSON.parse(report.setup?.manifest ?? '{}') as { settings: { event_subscriptions: { request_url: string } } };
    expect(manifest.settings.event_subscriptions.request_url).toBe('https://sb.example.com/hooks/slack/bot-1');
    expect(report.setup?.botEvents).toContain('app_mention');
  });

  it('names missing scopes and a malformed signing secret', async () => {
    fake.scopes = ['chat:write', 'app_mentions:read'];
    const { adapter } = slackAdapter(fake);
    const report = await adapter.checkConnection(slackBot(fake, { credentials: { signingSecret: 'not-a-hex-secret-at-all' } }));
    expect(report.ok).toBe(false);
    const scopes = report.items.find((i) => i.name === 'Scopes');
    expect(scopes?.ok).toBe(false);
    expect(scopes?.detail).toMatch(/im:history.*files:read/);
    expect(report.items.find((i) => i.name === 'Signing secret')?.ok).toBe(false);
    expect(JSON.stringify(report)).not.toContain('not-a-hex-secret-at-all');
  });

  it('reports a bad bot token clearly', async () => {
    const { adapter } = slackAdapter(fake);
    const report = await adapter.checkConnection(slackBot(fake, { credentials: { botToken: 'xoxb-revoked' } }));
    expect(report.items[0]).toMatchObject({ name: 'Bot token', ok: false });
    expect(report.items[0]?.detail).toMatch(/reinstall/);
    expect(JSON.stringify(report)).not.toContain('xoxb-revoked');
  });

  it('checks the Socket Mode app token', async () => {
    const { adapter } = slackAdapter(fake);
    const good = await adapter.checkConnection(slackBot(fake, { mode: 'socket', credentials: { appToken: fake.appToken } }));
    expect(good.items.find((i) => i.name === 'App-level token')?.ok).toBe(true);
    expect(good.setup?.requestUrl).toBeUndefined();
    const bad = await adapter.checkConnection(slackBot(fake, { mode: 'socket', credentials: { appToken: 'xapp-bad' } }));
    expect(bad.items.find((i) => i.name === 'App-level token')).toMatchObject({ ok: false });
  });
});
