/**
 * DingTalk bot configuration: the credential and settings schemas per mode, and their parsed types. The names are
 * the ones of the declarative config (issue #11), so setups and docs stay stable. Secret fields carry
 * `.meta({ secret: true })` so the console renders them as write-only inputs.
 */
import { z } from 'zod';
import type { BotRuntime } from '../types.js';

export const DINGTALK_MODES = ['robot_http', 'event_http', 'stream'] as const;
export type DingtalkMode = (typeof DINGTALK_MODES)[number];

export const DEFAULT_DINGTALK_API_BASE = 'https://api.dingtalk.com';
export const DEFAULT_DINGTALK_LEGACY_API_BASE = 'https://oapi.dingtalk.com';

const secret = (schema: z.ZodString) => schema.meta({ secret: true });
const appKey = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only (copy it from the app\'s Credentials page)');

const baseCredentials = {
  clientId: appKey.meta({ title: 'Client ID (AppKey)' }),
  clientSecret: secret(z.string().min(1).max(256)).meta({ title: 'Client Secret (AppSecret)' }),
  /** Usually the same as clientId; defaults to it. */
  robotCode: appKey.optional().meta({ title: 'RobotCode (usually the Client ID)' }),
};

const callbackToken = z.string().min(1).max(64).regex(/^[A-Za-z0-9]+$/, 'the Token is letters and digits (as generated in the DingTalk console)');
const encodingAesKey = z.string().regex(/^[A-Za-z0-9+/]{43}$/, 'the aes_key (EncodingAESKey) is exactly 43 characters of letters, digits, + and /');

export const robotCredentialsSchema = z.object({
  ...baseCredentials,
  token: secret(callbackToken).optional(),
  encodingAesKey: secret(encodingAesKey).optional(),
});

export const eventCredentialsSchema = z.object({
  ...baseCredentials,
  token: secret(callbackToken).meta({ title: 'Token (event subscription)' }),
  encodingAesKey: secret(encodingAesKey).meta({ title: 'aes_key (event subscription)' }),
});

export type DingtalkCredentials = z.infer<typeof robotCredentialsSchema>;

export const credentialsSchemaFor = (mode: string) => (mode === 'event_http' ? eventCredentialsSchema : robotCredentialsSchema);

export const dingtalkSettingsSchema = z.object({
  /** New-style API base (tokens, robot sends, cards, files). @defaultValue the adapter's apiBaseUrl */
  apiBaseUrl: z.string().url().optional(),
  /** Legacy API base (media/upload for image and file messages). @defaultValue https://oapi.dingtalk.com */
  legacyApiBaseUrl: z.string().url().optional(),
  /** Stream mode: where `/v1.0/gateway/connections/open` lives. @defaultValue apiBaseUrl */
  streamGatewayUrl: z.string().url().optional(),
  /** event_http: the owner key at the end of each plaintext (clientId, corpId or suiteKey). @defaultValue clientId */
  eventOwnerKey: z.string().trim().min(1).max(128).optional(),
  /** robot_http / event_http replay window, seconds; 0 turns it off. @defaultValue 3600 */
  timestampToleranceSec: z.number().int().min(0).max(86_400).default(3600),
  /** Groups: answer only when @-mentioned (`mentions`) or every message (`all`). @defaultValue 'mentions' */
  groupPolicy: z.enum(['mentions', 'all']).default('mentions'),
  /** Set to stream answers into an AI card made from this template. */
  cardTemplateId: z.string().trim().min(1).max(128).optional(),
  /** The card template variable the answer streams into. @defaultValue 'content' */
  cardContentKey: z.string().trim().min(1).max(64).default('content'),
  /** Answers as DingTalk markdown or plain text. @defaultValue 'markdown' */
  replyFormat: z.enum(['markdown', 'text']).default('markdown'),
  /** Stream mode: reconnect when no frame arrived for this long, seconds. @defaultValue 90 */
  zombieTimeoutSec: z.number().int().min(2).max(3600).default(90),
  /** Names the bot is @-mentioned by, stripped from the text where DingTalk leaves them in. */
  mentionNames: z.array(z.string().min(1).max(64)).max(10).default([]),
  /** Public base URL of this server, shown in the setup facts (callback URL). */
  publicBaseUrl: z.string().url().optional(),
  /** Stream the answer (AI card) when a card template is set. @defaultValue true */
  streaming: z.boolean().default(true),
});

export type DingtalkSettings = z.infer<typeof dingtalkSettingsSchema>;

export function isDingtalkMode(mode: string): mode is DingtalkMode {
  return (DINGTALK_MODES as readonly string[]).includes(mode);
}

/** The robot code the robot APIs take: the credential, or the clientId it usually equals. */
export function robotCodeOf(bot: BotRuntime): string {
  return bot.credentials.robotCode || bot.credentials.clientId || '';
}
