import { describe, expect, it } from 'vitest';
import { botSetupGuide } from '../../../../src/adapters/bot-setup.js';
import { setupFacts } from '../../../../src/adapters/setup-guide.js';
import { dingtalkBot, DT_KEYS } from './helpers.js';

const guideOf = (mode: 'robot_http' | 'event_http' | 'stream', settings: Record<string, unknown> = {}, publicBaseUrl: string | null = 'https://sb.example.com/') =>
  botSetupGuide(dingtalkBot(mode, settings), { publicBaseUrl: publicBaseUrl ?? undefined });

describe('DingTalk setup guide (offline)', () => {
  it('robot_http: the callback URL to paste as the robot message receiving address', () => {
    const guide = guideOf('robot_http')!;
    expect(guide.callbackUrl).toBe('https://sb.example.com/hooks/dingtalk/bot-robot_http');
    expect(guide.steps).toHaveLength(1);
    expect(guide.steps[0]!.where).toMatch(/Robot .*HTTP mode/);
    expect(setupFacts(guide)).toEqual({ where: expect.stringMatching(/publish an app version/), callbackUrl: 'https://sb.example.com/hooks/dingtalk/bot-robot_http' });
  });

  it("event_http: Token, aes_key and URL on the event page, the same URL for the robot; the bot's own base URL wins", () => {
    const guide = guideOf('event_http', { publicBaseUrl: 'https://own.example.com' })!;
    expect(guide.callbackUrl).toBe('https://own.example.com/hooks/dingtalk/bot-event_http');
    expect(guide.steps[0]!.values.map((v) => [v.key, v.value])).toEqual([
      ['token', DT_KEYS.token],
      ['aesKey', DT_KEYS.encodingAesKey],
      ['callbackUrl', 'https://own.example.com/hooks/dingtalk/bot-event_http'],
    ]);
    expect(guide.steps[1]!.values).toEqual([expect.objectContaining({ value: 'https://own.example.com/hooks/dingtalk/bot-event_http' })]);
  });

  it('stream: no URL, its own connection; a card template adds the permissions step', () => {
    const guide = guideOf('stream', { cardTemplateId: 'tpl.x' })!;
    expect(guide.callbackUrl).toBeUndefined();
    expect(guide.callbackPath).toBeUndefined();
    expect(guide.ownConnection).toBe('Stream mode');
    expect(guide.steps[0]!.note).toMatch(/No URL: Stream mode keeps its own connection/);
    expect(setupFacts(guide).cardPermissions).toMatch(/Card\.Instance\.Write and Card\.Streaming\.Write/);
  });

  it('without a public base URL: the path and a placeholder; never the Client Secret; an unknown mode has no guide', () => {
    const guide = guideOf('robot_http', {}, null)!;
    expect(guide.callbackUrl).toBeUndefined();
    expect(guide.callbackPath).toBe('/hooks/dingtalk/bot-robot_http');
    expect(setupFacts(guide).callbackUrl).toBe('<public base URL>/hooks/dingtalk/bot-robot_http');
    for (const mode of ['robot_http', 'event_http', 'stream'] as const) expect(JSON.stringify(guideOf(mode))).not.toContain(DT_KEYS.clientSecret);
    expect(botSetupGuide({ ...dingtalkBot('stream'), mode: 'webhook' }, {})).toBeUndefined();
  });
});
