import { hookPath, hookUrl, UNKNOWN_BASE_URL } from '../hook-url.js';
import type { SetupGuide, SetupStep } from '../setup-guide.js';
import type { BotRuntime } from '../types.js';

/** The callback URL of a WeCom bot; a placeholder base when the public base URL is unknown. */
export function callbackUrlFor(botId: string, publicBaseUrl: string | undefined): string {
  return publicBaseUrl ? hookUrl(publicBaseUrl, 'wecom', botId) : `${UNKNOWN_BASE_URL}${hookPath('wecom', botId)}`;
}

/**
 * Where a WeCom bot is set up in the WeCom admin console: the callback URL, Token and EncodingAESKey to paste (the
 * Token and key are shared secrets the user copies there by design), and for self-built apps the trusted-IP rule.
 * A bot's own `settings.publicBaseUrl` wins over the server's.
 */
export function wecomSetupGuide(
  bot: Pick<BotRuntime, 'id' | 'mode' | 'settings'> & { credentials?: BotRuntime['credentials'] },
  publicBaseUrl?: string,
): SetupGuide {
  const ownBase = typeof bot.settings.publicBaseUrl === 'string' ? bot.settings.publicBaseUrl : undefined;
  const base = ownBase ?? publicBaseUrl;
  const smartBot = bot.mode === 'smart_bot';
  const receive: SetupStep = {
    key: 'where',
    where: smartBot
      ? 'WeCom admin console (work.weixin.qq.com) → Smart bot (智能机器人) → API mode → Receive messages'
      : 'WeCom admin console (work.weixin.qq.com) → App Management → your app → Receive messages → Set API receiving (设置API接收)',
    values: [
      { key: 'callbackUrl', label: 'URL', value: callbackUrlFor(bot.id, base) },
      { key: 'token', label: 'Token', value: bot.credentials?.token ?? '' },
      { key: 'encodingAesKey', label: 'EncodingAESKey', value: bot.credentials?.encodingAesKey ?? '' },
    ],
    note: 'Paste the URL, Token and EncodingAESKey and save: WeCom calls the URL at once to verify it, so Switchboard must be running and reachable there.',
  };
  const steps = [receive];
  if (!smartBot) {
    steps.push({
      key: 'trustedIp',
      where: 'The same app → Enterprise trusted IP (企业可信IP)',
      values: [],
      note: "Add this server's public egress IP: WeCom refuses API calls (the answers Switchboard sends) from any other IP.",
    });
  }
  return { callbackPath: hookPath('wecom', bot.id), ...(base ? { callbackUrl: hookUrl(base, 'wecom', bot.id) } : {}), steps };
}
