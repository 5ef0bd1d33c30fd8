import type { TFunction } from 'i18next';
import enUS from '../i18n/locales/en-US.json';

type Modes = (typeof enUS)['modes'];

/** A platform's name in the console's language. */
export function platformLabel(t: TFunction, platform: string): string {
  return Object.hasOwn(enUS.platforms, platform) ? t(`platforms.${platform as keyof (typeof enUS)['platforms']}`) : platform;
}

/** A mode's name in the console's language; a mode this console does not know yet shows as the API names it. */
export function modeLabel(t: TFunction, platform: string, mode: string): string {
  if (!Object.hasOwn(enUS.modes, platform)) return mode;
  const modes = enUS.modes[platform as keyof Modes];
  return Object.hasOwn(modes, mode) ? t(`modes.${platform}.${mode}` as `modes.wecom.${keyof Modes['wecom']}`) : mode;
}
