import { describe, expect, it } from 'vitest';
import { slackSettingsSchema } from '../../../../src/adapters/slack/config.js';
import { buildSlackManifest, slackBotEvents, slackBotScopes, slackRequestUrl } from '../../../../src/adapters/slack/manifest.js';
import { parseSlackMessageId, slackMessageId } from '../../../../src/adapters/slack/normalize.js';

describe('Slack manifest', () => {
  it('asks for channel history only when channel messages matter', () => {
    expect(slackBotScopes({ listen: 'mentions', threadReplies: false })).not.toContain('channels:history');
    expect(slackBotScopes({ listen: 'all', threadReplies: false })).toContain('channels:history');
    expect(slackBotEvents({ listen: 'mentions', threadReplies: true })).toEqual(
      expect.arrayContaining(['app_mention', 'message.im', 'message.channels']),
    );
  });

  it('builds an HTTP manifest with the request URL on events and interactivity', () => {
    const url = slackRequestUrl('https://sb.example.com/', 'bot 1');
    expect(url).toBe('https://sb.example.com/hooks/slack/bot%201');
    const m = buildSlackManifest({ name: 'Support Bot', mode: 'events_http', settings: slackSettingsSchema.parse({}), requestUrl: url });
    expect(m.settings.event_subscriptions.request_url).toBe(url);
    expect(m.settings.interactivity.request_url).toBe(url);
    expect(m.settings.socket_mode_enabled).toBe(false);
    expect(m.features.bot_user.display_name).toBe('support-bot');
    expect(m.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['chat:write', 'app_mentions:read', 'im:history', 'files:read', 'files:write']));
  });

  it('builds a Socket Mode manifest without URLs', () => {
    const m = buildSlackManifest({ name: 'x', mode: 'socket', settings: slackSettingsSchema.parse({}) });
    expect(m.settings.socket_mode_enabled).toBe(true);
    expect(m.settings.event_subscriptions.request_url).toBeUndefined();
  });
});

describe('slack message ids', () => {
  it('round-trips channel:ts', () => {
    expect(parseSlackMessageId(slackMessageId('C123', '1700000000.000100'))).toEqual({ channel: 'C123', ts: '1700000000.000100' });
    expect(parseSlackMessageId('nocolon')).toBeUndefined();
  });
});
