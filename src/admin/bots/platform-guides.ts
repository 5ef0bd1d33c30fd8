import { slackBotEvents, slackBotScopes } from '../../adapters/slack/manifest.js';

/** What a mode is, in one sentence, and where each value is found in the platform's own admin console. */
export interface ModeGuide {
  summary: string;
  steps: string[];
}

const slackDefaults = { listen: 'mentions', threadReplies: true } as const;
const slackApp = [
  'Open api.slack.com/apps → Create New App (from a manifest: the connection test shows one ready to paste, or from scratch).',
  `OAuth & Permissions → Bot Token Scopes: ${slackBotScopes(slackDefaults).join(', ')}; Install to Workspace; copy the Bot User OAuth Token (xoxb-…) into botToken.`,
];

const GUIDES: Record<string, Record<string, ModeGuide>> = {
  wecom: {
    app: {
      summary: 'A self-built WeCom app (自建应用): people message it in WeCom; answers come through the WeCom API.',
      steps: [
        'WeCom admin console → My Company (我的企业) → copy the CorpID (企业ID) into corpId.',
        'App Management (应用管理) → create or open a self-built app → copy its AgentId and Secret.',
        'In the app: Receive Messages (接收消息) → Set API reception (设置API接收): enter the callback URL, generate Token and EncodingAESKey, paste both here and save the bot first, then save in WeCom (it calls the URL to verify it).',
        "Add this server's public IP to the app's trusted IPs (企业可信IP), or WeCom refuses the replies it sends.",
      ],
    },
    smart_bot: {
      summary: 'A WeCom smart bot (智能机器人) in API mode: answers stream into the chat as they are written.',
      steps: [
        'WeCom admin console → Smart bots (智能机器人) → create a bot in API mode.',
        'Enter the callback URL, generate Token and EncodingAESKey, and paste both here; save the bot here before saving in WeCom.',
        'Optional: the CorpID and Secret of a self-built app, only to download files users send.',
      ],
    },
  },
  dingtalk: {
    robot_http: {
      summary: 'A DingTalk app robot that receives messages over HTTPS at the callback URL, signed with the app secret.',
      steps: [
        'DingTalk developer console (open-dev.dingtalk.com) → App Development → create or open an internal app → Credentials: copy Client ID (AppKey) into clientId and Client Secret (AppSecret) into clientSecret.',
        'App capabilities → Robot → enable; copy the RobotCode into robotCode (usually the same as the Client ID).',
        'Robot → message receiving mode: HTTP mode; Message receiving address = the callback URL; publish the robot.',
      ],
    },
    event_http: {
      summary: 'DingTalk event subscription over HTTPS: encrypted callbacks (token + EncodingAESKey), robot messages too.',
      steps: [
        'DingTalk developer console → your app → Credentials: copy Client ID into clientId and Client Secret into clientSecret.',
        'Event Subscription → push mode HTTP: generate the aes_key and token, paste them into encodingAesKey and token, save the bot here first.',
        'Request URL = the callback URL; DingTalk verifies it (check_url) when you save.',
      ],
    },
    stream: {
      summary: 'DingTalk Stream mode: no public URL needed, this server opens a WebSocket connection to DingTalk.',
      steps: [
        'DingTalk developer console → your app → Credentials: copy Client ID into clientId and Client Secret into clientSecret.',
        'App capabilities → Robot → enable, message receiving mode: Stream mode; copy the RobotCode into robotCode; publish.',
      ],
    },
  },
  slack: {
    events_http: {
      summary: 'A Slack app that receives events over HTTPS at the callback URL (needs a public URL).',
      steps: [
        ...slackApp,
        'Basic Information → App Credentials → copy the Signing Secret into signingSecret.',
        `Event Subscriptions → enable, Request URL = the callback URL; Subscribe to bot events: ${slackBotEvents(slackDefaults).join(', ')}.`,
      ],
    },
    socket: {
      summary: 'A Slack app connected over Socket Mode: no public URL needed, this server opens the connection.',
      steps: [
        ...slackApp,
        'Basic Information → App-Level Tokens → generate a token with the connections:write scope; copy it (xapp-…) into appToken.',
        `Socket Mode → enable; Event Subscriptions → enable and subscribe to bot events: ${slackBotEvents(slackDefaults).join(', ')}.`,
      ],
    },
  },
};

export function modeGuide(platform: string, mode: string): ModeGuide | undefined {
  return GUIDES[platform]?.[mode];
}
