import { dingtalkSetupGuide } from './dingtalk/setup.js';
import type { SetupGuide } from './setup-guide.js';
import { isSlackMode, slackSettingsSchema } from './slack/config.js';
import { slackSetupGuide } from './slack/setup.js';
import type { BotRuntime } from './types.js';
import { wecomSetupGuide } from './wecom/setup.js';

/** What a guide is computed from; without credentials the values to paste from them are left empty. */
export type SetupSubject = Pick<BotRuntime, 'id' | 'name' | 'platform' | 'mode' | 'settings'> & { credentials?: BotRuntime['credentials'] };

/**
 * The setup guide of any bot, from its stored configuration only (no platform call). Undefined for a platform or
 * mode without one.
 */
export function botSetupGuide(bot: SetupSubject, opts: { publicBaseUrl?: string }): SetupGuide | undefined {
  switch (bot.platform) {
    case 'wecom':
      return wecomSetupGuide(bot, opts.publicBaseUrl);
    case 'dingtalk':
      return dingtalkSetupGuide(bot, opts.publicBaseUrl);
    case 'slack': {
      if (!isSlackMode(bot.mode)) return undefined;
      const settings = slackSettingsSchema.safeParse(bot.settings);
      return slackSetupGuide({ bot, mode: bot.mode, settings: settings.success ? settings.data : slackSettingsSchema.parse({}), publicBaseUrl: opts.publicBaseUrl });
    }
    default:
      return undefined;
  }
}
