import { hookUrl } from '../hook-url.js';
import type { SlackMode, SlackSettings } from './config.js';

/**
 * What a Slack app needs for a bot's settings — scopes, event subscriptions, URLs — and a ready-to-paste app
 * manifest (api.slack.com/apps → Create New App → From a manifest). Pure.
 */
type ListenSettings = Pick<SlackSettings, 'listen' | 'threadReplies'>;

function needsChannelHistory(settings: ListenSettings): boolean {
  // Thread replies without a mention arrive only as message.channels / message.groups events.
  return settings.listen === 'all' || settings.threadReplies;
}

export function slackBotScopes(settings: ListenSettings): string[] {
  const scopes = ['app_mentions:read', 'chat:write', 'im:history', 'files:read', 'files:write'];
  if (needsChannelHistory(settings)) scopes.push('channels:history', 'groups:history', 'mpim:history');
  return scopes;
}

export function slackBotEvents(settings: ListenSettings): string[] {
  const events = ['app_mention', 'message.im'];
  if (needsChannelHistory(settings)) events.push('message.channels', 'message.groups', 'message.mpim');
  return events;
}

export function slackRequestUrl(publicBaseUrl: string, botId: string): string {
  return hookUrl(publicBaseUrl, 'slack', botId);
}

export interface SlackManifestInput {
  name: string;
  description?: string;
  mode: SlackMode;
  settings: ListenSettings;
  /** Required for events_http. */
  requestUrl?: string;
}

export interface SlackManifest {
  _metadata: { major_version: 1; minor_version: 1 };
  display_information: { name: string; description?: string };
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean; messages_tab_read_only_enabled: boolean };
    bot_user: { display_name: string; always_online: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url?: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url?: string };
    org_deploy_enabled: boolean;
    socket_mode_enabled: boolean;
    token_rotation_enabled: boolean;
  };
}

export function buildSlackManifest(input: SlackManifestInput): SlackManifest {
  const http = input.mode === 'events_http';
  const name = input.name.trim().slice(0, 35) || 'Switchboard';
  const displayName =
    name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'switchboard';
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: { name, ...(input.description ? { description: input.description.slice(0, 140) } : {}) },
    features: {
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      bot_user: { display_name: displayName, always_online: true },
    },
    oauth_config: { scopes: { bot: slackBotScopes(input.settings) } },
    settings: {
      event_subscriptions: { ...(http && input.requestUrl ? { request_url: input.requestUrl } : {}), bot_events: slackBotEvents(input.settings) },
      interactivity: { is_enabled: true, ...(http && input.requestUrl ? { request_url: input.requestUrl } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: !http,
      token_rotation_enabled: false,
    },
  };
}
