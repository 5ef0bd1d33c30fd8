import { describe, expect, it } from 'vitest';
import { botSetupGuide } from '../../../src/adapters/bot-setup.js';
import { setupFacts } from '../../../src/adapters/setup-guide.js';

const wecom = (mode: 'app' | 'smart_bot', settings: Record<string, unknown> = {}) => ({
  id: 'acme-wecom',
  name: 'helpdesk',
  platform: 'wecom' as const,
  mode,
  settings,
  credentials: { token: 'Tok123', encodingAesKey: 'k'.repeat(43), secret: 'app-secret' },
});

const slack = (mode: string) => ({ id: 'acme-slack', name: 'support', platform: 'slack' as const, mode, settings: { listen: 'mentions' } });

describe('setup guides, computed without calling the platform', () => {
  it('WeCom app: URL, Token and EncodingAESKey to paste, then the trusted IP; never the app secret', () => {
    const guide = botSetupGuide(wecom('app'), { publicBaseUrl: 'https://sb.example.com/' })!;
    expect(guide.callbackUrl).toBe('https://sb.example.com/hooks/wecom/acme-wecom');
    expect(guide.steps[0]!.where).toMatch(/Receive messages/);
    expect(guide.steps[0]!.values.map((v) => [v.label, v.value])).toEqual([
      ['URL', 'https://sb.example.com/hooks/wecom/acme-wecom'],
      ['Token', 'Tok123'],
      ['EncodingAESKey', 'k'.repeat(43)],
    ]);
    expect(guide.steps[1]!.where).toMatch(/trusted IP/);
    expect(JSON.stringify(guide)).not.toContain('app-secret');
  });

  it("WeCom smart bot: the smart bot's page, no trusted-IP step; a bot's own publicBaseUrl wins", () => {
    const guide = botSetupGuide(wecom('smart_bot', { publicBaseUrl: 'https://own.example.com' }), { publicBaseUrl: 'https://sb.example.com' })!;
    expect(guide.callbackUrl).toBe('https://own.example.com/hooks/wecom/acme-wecom');
    expect(guide.steps).toHaveLength(1);
    expect(guide.steps[0]!.where).toMatch(/Smart bot/);
  });

  it('without a public base URL: the path is known, the URL is a visible placeholder', () => {
    const guide = botSetupGuide(wecom('app'), {})!;
    expect(guide.callbackUrl).toBeUndefined();
    expect(guide.callbackPath).toBe('/hooks/wecom/acme-wecom');
    expect(setupFacts(guide).callbackUrl).toBe('<public base URL>/hooks/wecom/acme-wecom');
  });

  it('Slack Events API: the Request URL on events, interactivity and slash commands, events and scopes; no credentials needed', () => {
    const guide = botSetupGuide(slack('events_http'), { publicBaseUrl: 'https://sb.example.com' })!;
    const facts = setupFacts(guide);
    expect(facts).toMatchObject({
      requestUrl: 'https://sb.example.com/hooks/slack/acme-slack',
      interactivityUrl: 'https://sb.example.com/hooks/slack/acme-slack',
      slashCommandUrl: 'https://sb.example.com/hooks/slack/acme-slack',
    });
    expect(facts.botEvents).toContain('app_mention');
    expect(facts.botScopes).toContain('chat:write');
    expect(guide.ownConnection).toBeUndefined();
  });

  it('Slack Socket Mode: no callback at all, the app-level token step instead', () => {
    const guide = botSetupGuide(slack('socket'), { publicBaseUrl: 'https://sb.example.com' })!;
    expect(guide.callbackPath).toBeUndefined();
    expect(guide.callbackUrl).toBeUndefined();
    expect(guide.ownConnection).toBe('Socket Mode');
    expect(setupFacts(guide).requestUrl).toBeUndefined();
    expect(guide.steps.map((s) => s.note).join(' ')).toMatch(/connections:write/);
  });

  it('no guide for a platform without one', () => {
    expect(botSetupGuide({ id: 'd', name: 'd', platform: 'dingtalk', mode: 'robot', settings: {} }, {})).toBeUndefined();
  });
});
