import { botSetupGuide, type SetupSubject } from '../adapters/bot-setup.js';
import { hookPath, hookUrl } from '../adapters/hook-url.js';

export interface CallbackCell {
  text: string;
  /** Only the path is shown because PUBLIC_BASE_URL is not set. */
  pathOnly: boolean;
}

/** What to show as a bot's callback: the full URL, the path when the base URL is unknown, or none for own connections. */
export function callbackCell(bot: SetupSubject, publicBaseUrl: string | undefined): CallbackCell {
  const guide = botSetupGuide(bot, { publicBaseUrl });
  if (guide?.callbackUrl) return { text: guide.callbackUrl, pathOnly: false };
  if (guide?.ownConnection) return { text: `none (${guide.ownConnection})`, pathOnly: false };
  if (publicBaseUrl) return { text: hookUrl(publicBaseUrl, bot.platform, bot.id), pathOnly: false };
  return { text: guide?.callbackPath ?? hookPath(bot.platform, bot.id), pathOnly: true };
}
