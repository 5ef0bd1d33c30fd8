import type { Platform } from './types.js';

/** Where the server receives a bot's callbacks (see server/routes/hooks.ts). */
export function hookPath(platform: Platform, botId: string): string {
  return `/hooks/${platform}/${encodeURIComponent(botId)}`;
}

/** The full callback URL under this server's public base URL (trailing slashes of the base ignored). */
export function hookUrl(publicBaseUrl: string, platform: Platform, botId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${hookPath(platform, botId)}`;
}

/** Stands in for the base URL when PUBLIC_BASE_URL is not set. */
export const UNKNOWN_BASE_URL = '<public base URL>';
