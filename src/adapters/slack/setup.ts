import { hookPath, hookUrl, UNKNOWN_BASE_URL } from '../hook-url.js';
import type { SetupGuide, SetupStep } from '../setup-guide.js';
import type { BotRuntime } from '../types.js';
import type { SlackMode, SlackSettings } from './config.js';
import { buildSlackManifest, slackBotEvents, slackBotScopes, type SlackManifest } from './manifest.js';

export interface SlackSetupInput {
  bot: Pick<BotRuntime, 'id' | 'name'>;
  mode: SlackMode;
  settings: Pick<SlackSettings, 'listen' | 'threadReplies'>;
  publicBaseUrl?: string;
}

const APP = 'api.slack.com/apps → your app';

/** The Request URL of an Events API bot; a placeholder base when the public base URL is unknown. */
function requestUrlOf(input: SlackSetupInput): string | undefined {
  if (input.mode !== 'events_http') return undefined;
  return input.publicBaseUrl ? hookUrl(input.publicBaseUrl, 'slack', input.bot.id) : `${UNKNOWN_BASE_URL}${hookPath('slack', input.bot.id)}`;
}

/**
 * Where a Slack bot is set up in its Slack app's settings: the Request URL (Events API mode) or Socket Mode, the bot
 * events and the scopes its settings need. Never includes a token or the signing secret.
 */
export function slackSetupGuide(input: SlackSetupInput): SetupGuide {
  const events = slackBotEvents(input.settings).join(', ');
  const scopes: SetupStep = {
    where: `${APP} → OAuth & Permissions → Scopes → Bot Token Scopes`,
    values: [{ key: 'botScopes', label: 'Bot Token Scopes', value: slackBotScopes(input.settings).join(', ') }],
    note: 'Add each scope, then reinstall the app to the workspace (Install App → Reinstall).',
  };
  const requestUrl = requestUrlOf(input);
  if (!requestUrl) {
    return {
      ownConnection: 'Socket Mode',
      steps: [
        { key: 'socketMode', where: `${APP} → Socket Mode`, values: [], note: 'Enable Socket Mode: Switchboard connects out to Slack, so no URL is needed.' },
        {
          where: `${APP} → Basic Information → App-Level Tokens`,
          values: [],
          note: "Generate a token with the connections:write scope: it is the bot's appToken (xapp-…) in Switchboard.",
        },
        { where: `${APP} → Event Subscriptions`, values: [{ key: 'botEvents', label: 'Subscribe to bot events', value: events }], note: 'Turn Enable Events on.' },
        scopes,
      ],
    };
  }
  return {
    callbackPath: hookPath('slack', input.bot.id),
    ...(input.publicBaseUrl ? { callbackUrl: requestUrl } : {}),
    steps: [
      {
        where: `${APP} → Event Subscriptions`,
        values: [
          { key: 'requestUrl', label: 'Request URL', value: requestUrl },
          { key: 'botEvents', label: 'Subscribe to bot events', value: events },
        ],
        note: 'Turn Enable Events on: Slack sends a challenge to the URL at once, so Switchboard must be running and reachable there.',
      },
      { where: `${APP} → Interactivity & Shortcuts`, values: [{ key: 'interactivityUrl', label: 'Request URL', value: requestUrl }], note: 'Turn Interactivity on.' },
      { where: `${APP} → Slash Commands (optional)`, values: [{ key: 'slashCommandUrl', label: 'Request URL', value: requestUrl }] },
      scopes,
    ],
  };
}

/** The app manifest of the bot (api.slack.com/apps → Create New App → From a manifest), with its Request URL. */
export function slackManifestFor(input: SlackSetupInput): SlackManifest {
  const requestUrl = requestUrlOf(input);
  return buildSlackManifest({ name: input.bot.name, mode: input.mode, settings: input.settings, ...(requestUrl ? { requestUrl } : {}) });
}
