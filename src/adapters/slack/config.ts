import { z } from 'zod';
import { strictObject } from '../../core/strict-object.js';
import { ConfigError } from '../../errors.js';
import type { BotRuntime } from '../types.js';

/**
 * Slack bot configuration: credentials and settings, the types and their runtime schemas under one name.
 * Secret fields (botToken, signingSecret, appToken) are write-only in the console and never logged. Every object is
 * strict: an unknown key (a typo) is an error naming the closest valid one.
 */
export const SLACK_MODES = ['events_http', 'socket'] as const;
export type SlackMode = (typeof SLACK_MODES)[number];

/** Fields the console must treat as secrets (masked on read, write-only). */
export const SLACK_SECRET_FIELDS = ['botToken', 'signingSecret', 'appToken'] as const;

const botToken = z.string().trim().regex(/^xoxb-[A-Za-z0-9-]+$/, 'must be a Bot User OAuth Token starting with xoxb-').meta({ secret: true });
const appToken = z.string().trim().regex(/^xapp-[A-Za-z0-9-]+$/, 'must be an app-level token starting with xapp-').meta({ secret: true });
/** Slack signing secrets are 32 hex chars; the schema only refuses obvious garbage, check() reports the format. */
const signingSecret = z.string().trim().min(16, 'must be the Signing Secret from Basic Information').max(128).meta({ secret: true });
const slackId = z.string().trim().regex(/^[A-Z0-9]{2,32}$/, 'must be a Slack id such as U0123ABCD');

export const slackEventsHttpCredentialsSchema = strictObject({
  botToken,
  signingSecret,
  botUserId: slackId.optional(),
  botId: slackId.optional(),
  teamId: slackId.optional(),
});

export const slackSocketCredentialsSchema = strictObject({
  botToken,
  appToken,
  signingSecret: signingSecret.optional(),
  botUserId: slackId.optional(),
  botId: slackId.optional(),
  teamId: slackId.optional(),
});

export type SlackCredentials = z.infer<typeof slackEventsHttpCredentialsSchema> & { appToken?: string };

export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;

export const slackSettingsSchema = strictObject({
  /** `mentions`: answer @mentions, DMs and replies in threads the bot is in; `all`: every channel message. */
  listen: z.enum(['mentions', 'all']).default('mentions'),
  /** Answer channel messages in a thread (and continue conversations in it). */
  threadReplies: z.boolean().default(true),
  /** Show the answer while it is generated. */
  streaming: z.boolean().default(true),
  /** `auto`: use chat.startStream where the workspace supports it, remember when it does not. */
  nativeStreaming: z.enum(['auto', 'off']).default('auto'),
  /** Append the usage/cost footer as a context line. */
  usageFooter: z.boolean().default(false),
  placeholderText: z.string().trim().min(1).max(200).default('Thinking…'),
  /** Override of the Web API base URL (tests, proxies, GovSlack). */
  slackApiUrl: z.url().optional(),
  /** Largest inbound file downloaded for the workflow. @defaultValue 20 MB */
  maxFileBytes: z.number().int().positive().max(1024 * 1024 * 1024).default(DEFAULT_MAX_FILE_BYTES),
});

export type SlackSettings = z.infer<typeof slackSettingsSchema>;

export function isSlackMode(mode: string): mode is SlackMode {
  return (SLACK_MODES as readonly string[]).includes(mode);
}

export function slackCredentialsSchema(mode: string): z.ZodType<Record<string, string>> {
  if (mode === 'events_http') return slackEventsHttpCredentialsSchema as unknown as z.ZodType<Record<string, string>>;
  if (mode === 'socket') return slackSocketCredentialsSchema as unknown as z.ZodType<Record<string, string>>;
  throw new ConfigError(`Unknown Slack mode "${mode}": use events_http or socket`, { code: 'slack_unknown_mode' });
}

/** Parsed, typed configuration of one bot. Throws ConfigError naming the field (never its value). */
export interface SlackBotConfig {
  mode: SlackMode;
  credentials: SlackCredentials;
  settings: SlackSettings;
}

export function parseSlackBotConfig(bot: Pick<BotRuntime, 'id' | 'mode' | 'credentials' | 'settings'>): SlackBotConfig {
  if (!isSlackMode(bot.mode)) {
    throw new ConfigError(`Slack bot ${bot.id}: unknown mode "${bot.mode}"`, { code: 'slack_unknown_mode' });
  }
  const credSchema = bot.mode === 'socket' ? slackSocketCredentialsSchema : slackEventsHttpCredentialsSchema;
  const creds = credSchema.safeParse(bot.credentials);
  if (!creds.success) {
    const fields = creds.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Slack bot ${bot.id}: invalid credentials (${fields})`, { code: 'slack_invalid_credentials' });
  }
  const settings = slackSettingsSchema.safeParse(bot.settings ?? {});
  if (!settings.success) {
    const fields = settings.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Slack bot ${bot.id}: invalid settings (${fields})`, { code: 'slack_invalid_settings' });
  }
  return { mode: bot.mode, credentials: creds.data as SlackCredentials, settings: settings.data };
}
