import { hookPath, hookUrl, UNKNOWN_BASE_URL } from '../hook-url.js';
import type { SetupGuide, SetupStep } from '../setup-guide.js';
import type { BotRuntime } from '../types.js';
import { dingtalkSettingsSchema, isDingtalkMode } from './config.js';

/** The callback URL of a DingTalk bot; a placeholder base when the public base URL is unknown. */
export function callbackUrlFor(botId: string, publicBaseUrl: string | undefined): string {
  return publicBaseUrl ? hookUrl(publicBaseUrl, 'dingtalk', botId) : `${UNKNOWN_BASE_URL}${hookPath('dingtalk', botId)}`;
}

const APP = 'DingTalk developer console (open-dev.dingtalk.com) → your app';
const PUBLISH = 'publish the robot, then publish an app version (版本管理与发布) so the change takes effect';

/**
 * Where a DingTalk bot is set up in the DingTalk developer console: the robot's message receiving mode and, for the
 * HTTP modes, the callback URL to paste (event subscriptions also take the Token and aes_key the user copies there by
 * design); Stream mode needs no URL. Never includes the Client Secret. A bot's own `settings.publicBaseUrl` wins over
 * the server's. Undefined for a mode DingTalk bots do not have.
 */
export function dingtalkSetupGuide(
  bot: Pick<BotRuntime, 'id' | 'mode' | 'settings'> & { credentials?: BotRuntime['credentials'] },
  publicBaseUrl?: string,
): SetupGuide | undefined {
  if (!isDingtalkMode(bot.mode)) return undefined;
  const parsed = dingtalkSettingsSchema.safeParse(bot.settings ?? {});
  const settings = parsed.success ? parsed.data : dingtalkSettingsSchema.parse({});
  const base = settings.publicBaseUrl ?? publicBaseUrl;
  const url = callbackUrlFor(bot.id, base);
  const ownerKey = settings.eventOwnerKey ?? bot.credentials?.clientId ?? '';
  const robotStep = (mode: string): SetupStep => ({
    where: `${APP} → Robot (机器人) → Message receiving mode (消息接收模式): ${mode}`,
    values: [],
  });

  const steps: SetupStep[] = [];
  if (bot.mode === 'robot_http') {
    steps.push({
      ...robotStep('HTTP mode'),
      key: 'where',
      values: [{ key: 'callbackUrl', label: 'Message receiving address', value: url }],
      note: `Paste the URL as the message receiving address (消息接收地址), then ${PUBLISH}. DingTalk posts each message there, signed with the app's Client Secret.`,
    });
  } else if (bot.mode === 'event_http') {
    steps.push(
      {
        key: 'where',
        where: `${APP} → Events & Callbacks (事件与回调) → Push mode: HTTP (HTTP推送)`,
        values: [
          { key: 'token', label: 'Token', value: bot.credentials?.token ?? '' },
          { key: 'aesKey', label: 'aes_key', value: bot.credentials?.encodingAesKey ?? '' },
          { key: 'callbackUrl', label: 'Request URL', value: url },
        ],
        note:
          'Paste the Token, the aes_key (加密 aes_key) and the URL as the request URL (请求网址), and save: DingTalk calls the URL at once (check_url) and ' +
          `expects the encrypted "success", so Switchboard must be running and reachable there. Events are expected for owner key ${ownerKey}.`,
      },
      {
        ...robotStep('HTTP mode'),
        key: 'robot',
        values: [{ key: 'robotCallbackUrl', label: 'Message receiving address', value: url }],
        note: `For robot messages: the same URL, then ${PUBLISH}.`,
      },
    );
  } else {
    steps.push({ ...robotStep('Stream mode'), key: 'where', note: `Choose Stream mode, then ${PUBLISH}. No URL: Stream mode keeps its own connection (Switchboard connects out to DingTalk).` });
  }
  if (settings.cardTemplateId) {
    steps.push({
      key: 'cardPermissions',
      where: `${APP} → Permissions (权限管理)`,
      values: [],
      note: 'AI-card streaming needs the Card.Instance.Write and Card.Streaming.Write permissions (search "Card"); the card template (卡片平台) must be an AI card published for this app.',
    });
  }
  if (bot.mode === 'stream') return { ownConnection: 'Stream mode', steps };
  return { callbackPath: hookPath('dingtalk', bot.id), ...(base ? { callbackUrl: url } : {}), steps };
}
