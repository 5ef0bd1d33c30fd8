/**
 * WeCom bot configuration: the credential and settings schemas per mode, and their parsed types.
 * Secret fields carry `.meta({ secret: true })` so the console renders them as write-only inputs. Every object is
 * strict: an unknown key (a typo) is an error naming the closest valid one.
 */
import { z } from 'zod';
import { strictObject } from '../../core/strict-object.js';
import type { BotRuntime } from '../types.js';

export const WECOM_MODES = ['app', 'smart_bot'] as const;
export type WecomMode = (typeof WECOM_MODES)[number];

const secret = (schema: z.ZodString) => schema.meta({ secret: true });

const corpId = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'CorpID has letters and digits only');
const callbackToken = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9]+$/, 'Token is 1–32 letters or digits (as generated in the WeCom admin console)');
const encodingAesKey = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}$/, 'EncodingAESKey is exactly 43 characters of letters, digits, + and /');

export const appCredentialsSchema = strictObject({
  corpId: corpId.meta({ title: 'CorpID (企业ID)' }),
  agentId: z.string().trim().regex(/^\d{1,12}$/, 'AgentId is a number').meta({ title: 'AgentId' }),
  secret: secret(z.string().min(1).max(128)).meta({ title: 'Secret' }),
  token: secret(callbackToken).meta({ title: 'Token' }),
  encodingAesKey: secret(encodingAesKey).meta({ title: 'EncodingAESKey' }),
});

export const smartBotCredentialsSchema = strictObject({
  token: secret(callbackToken).meta({ title: 'Token' }),
  encodingAesKey: secret(encodingAesKey).meta({ title: 'EncodingAESKey' }),
  botId: z.string().trim().min(1).max(128).optional().meta({ title: 'Bot ID (aibotid)' }),
  corpId: corpId.optional().meta({ title: 'CorpID (only to download through the API)' }),
  secret: secret(z.string().min(1).max(128)).optional().meta({ title: 'Secret (only to download through the API)' }),
}).refine((c) => (c.corpId === undefined) === (c.secret === undefined), {
    message: 'corpId and secret go together: set both or neither',
  });

export type WecomAppCredentials = z.infer<typeof appCredentialsSchema>;
export type WecomSmartBotCredentials = z.infer<typeof smartBotCredentialsSchema>;

const eventAction = z.enum(['ignore', 'greet']);

export const settingsSchemaFor = (mode: WecomMode) =>
  strictObject({
    /** How answers are rendered. @defaultValue 'markdown' */
    replyFormat: z.enum(['markdown', 'text']).default('markdown'),
    /** Smart bot only: answer through the stream protocol. @defaultValue true for smart_bot, false for app */
    streaming: z.boolean().default(mode === 'smart_bot'),
    events: strictObject({
      enter_agent: eventAction.default('ignore'),
      subscribe: eventAction.default('ignore'),
      enter_chat: eventAction.default('ignore'),
    }).default({ enter_agent: 'ignore', subscribe: 'ignore', enter_chat: 'ignore' }),
    /** Text answered to greeted events (passive encrypted reply), at most once a day per user. */
    greeting: z.string().max(2000).optional(),
    /** Private deployments and tests point this elsewhere. @defaultValue the adapter's apiBaseUrl */
    apiBaseUrl: z.string().url().optional(),
    /** Public base URL of this server, shown in the setup facts (callback URL). */
    publicBaseUrl: z.string().url().optional(),
    /** Smart bot group chats: 'open' answers when @-mentioned; 'disabled' ignores groups. @defaultValue 'open' */
    groupPolicy: z.enum(['open', 'disabled']).default('open'),
    /** Names the bot is @-mentioned by, stripped from the text (the first leading @mention is always stripped). */
    mentionNames: z.array(z.string().min(1).max(64)).max(10).default([]),
    /**
     * Reject callbacks whose timestamp is further than this from our clock (replay defence); 0 disables.
     * @defaultValue 600
     */
    timestampToleranceSec: z.number().int().min(0).max(86_400).default(600),
  });

export type WecomSettings = z.infer<ReturnType<typeof settingsSchemaFor>>;

export function isWecomMode(mode: string): mode is WecomMode {
  return (WECOM_MODES as readonly string[]).includes(mode);
}

/** The callback crypto credentials of a bot in any mode. */
export function callbackCredentials(bot: BotRuntime): { token: string; encodingAesKey: string; receiveId: string } {
  const token = bot.credentials.token ?? '';
  const key = bot.credentials.encodingAesKey ?? '';
  const receiveId = bot.mode === 'smart_bot' ? '' : (bot.credentials.corpId ?? '');
  return { token, encodingAesKey: key, receiveId };
}
