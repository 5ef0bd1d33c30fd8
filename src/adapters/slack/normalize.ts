import type { Attachment, NormalizedMessage } from '../types.js';
import type { SlackFile, SlackMessageEvent, SlackReplyTarget, SlackSlashCommand } from './slack-types.js';

/**
 * Slack events → NormalizedMessage, pure (no I/O): whatever needs the outside world (is this a thread the bot is
 * in?) is asked by the caller and passed in.
 *
 * Message id: `${channel}:${ts}`. It is the same for Slack's retries of an event and — unlike `event_id` — the same
 * for the `app_mention` and `message.channels` events Slack sends for one user message, so the inbox's dedupe on
 * (botId, id) lets exactly one of them run.
 */
export interface NormalizeContext {
  bot: { id: string; tenantId: string };
  /** The bot's own ids; messages from them are ignored and `<@botUserId>` is stripped. */
  botUserId?: string;
  botId?: string;
  teamId?: string;
  listen: 'mentions' | 'all';
  threadReplies: boolean;
  /** ISO time the request arrived. */
  receivedAt: string;
}

export type NormalizeOutcome = { kind: 'message'; message: NormalizedMessage } | { kind: 'ignored'; reason: string };

/** Message subtypes that are a person talking; every other subtype (edits, deletes, joins, bots) is ignored. */
const USER_SUBTYPES = new Set(['file_share', 'thread_broadcast', 'me_message']);

export function slackMessageId(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

/** Decodes `${channel}:${ts}` back; undefined when it is not one. */
export function parseSlackMessageId(id: string): { channel: string; ts: string } | undefined {
  const i = id.indexOf(':');
  if (i <= 0 || i === id.length - 1) return undefined;
  return { channel: id.slice(0, i), ts: id.slice(i + 1) };
}

const optionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether a signed `message` / `app_mention` event has the field types the functions below rely on. Slack always
 * sends these; a body that does not is malformed and is acked and ignored (a 400 would only make Slack retry it),
 * instead of failing deep in normalisation with a TypeError (a 500).
 */
export function isWellFormedMessageEvent(event: unknown): event is SlackMessageEvent {
  if (!isObject(event)) return false;
  // Every message event Slack sends, edits and deletes included, names its channel and ts.
  if (typeof event.channel !== 'string' || typeof event.ts !== 'string') return false;
  for (const key of ['subtype', 'channel_type', 'user', 'text', 'thread_ts', 'parent_user_id', 'team'] as const) {
    if (!optionalString(event[key])) return false;
  }
  if (event.user_profile !== undefined) {
    if (!isObject(event.user_profile)) return false;
    const profile = event.user_profile;
    if (!optionalString(profile.display_name) || !optionalString(profile.real_name) || !optionalString(profile.name)) return false;
  }
  if (event.files !== undefined) {
    if (!Array.isArray(event.files)) return false;
    for (const file of event.files as unknown[]) {
      if (!isObject(file)) return false;
      for (const key of ['url_private_download', 'url_private', 'mimetype', 'name', 'title', 'mode'] as const) {
        if (!optionalString(file[key])) return false;
      }
    }
  }
  return true;
}

/**
 * The thread whose membership decides this event (a channel thread reply that does not mention the bot), or
 * undefined when membership does not matter. The caller looks it up and passes `inBotThread` to normalize.
 */
export function threadToCheck(event: SlackMessageEvent, ctx: NormalizeContext): { channel: string; threadTs: string } | undefined {
  if (event.type !== 'message' || !ctx.threadReplies || isDirect(event) || ctx.listen === 'all') return undefined;
  if (!event.thread_ts || event.thread_ts === event.ts) return undefined;
  if (ctx.botUserId && mentions(event.text ?? '', ctx.botUserId)) return undefined;
  return { channel: event.channel, threadTs: event.thread_ts };
}

export function normalizeMessageEvent(
  event: SlackMessageEvent,
  ctx: NormalizeContext & { inBotThread: boolean; eventTeamId?: string },
): NormalizeOutcome {
  if (event.subtype !== undefined && !USER_SUBTYPES.has(event.subtype)) return ignored(`subtype_${event.subtype}`);
  if (event.bot_id !== undefined) return ignored('bot_message'); // ours (ctx.botId) and every other bot's
  if (!event.user) return ignored('no_user');
  if (ctx.botUserId !== undefined && event.user === ctx.botUserId) return ignored('own_message');
  if (typeof event.channel !== 'string' || typeof event.ts !== 'string') return ignored('malformed_event');

  const direct = isDirect(event);
  const rawText = event.text ?? '';
  const mentionsBot = ctx.botUserId !== undefined && mentions(rawText, ctx.botUserId);
  const threadReply = event.thread_ts !== undefined && event.thread_ts !== event.ts;

  if (!direct && event.type === 'message') {
    const addressed =
      ctx.listen === 'all' ||
      (ctx.threadReplies &&
        threadReply &&
        (ctx.inBotThread || (ctx.botUserId !== undefined && event.parent_user_id === ctx.botUserId)));
    // A mention outside a bot thread is answered through its `app_mention` event (same message id anyway).
    if (!addressed) return ignored(mentionsBot ? 'mention_via_app_mention' : 'not_addressed');
  }

  const text = cleanText(rawText, ctx.botUserId);
  const attachments = (event.files ?? []).map(fileToAttachment).filter((a): a is Attachment => a !== undefined);
  if (text === '' && attachments.length === 0) return ignored('empty_message');

  const threadTs = direct ? event.thread_ts : ctx.threadReplies ? (event.thread_ts ?? event.ts) : event.thread_ts;
  const teamId = event.team ?? ctx.eventTeamId ?? ctx.teamId;
  const replyTarget: SlackReplyTarget = {
    channel: event.channel,
    ...(threadTs ? { threadTs } : {}),
    messageTs: event.ts,
    userId: event.user,
    ...(teamId ? { teamId } : {}),
    direct,
  };
  const name = event.user_profile?.display_name || event.user_profile?.real_name || event.user_profile?.name;
  return {
    kind: 'message',
    message: {
      id: slackMessageId(event.channel, event.ts),
      platform: 'slack',
      tenantId: ctx.bot.tenantId,
      botId: ctx.bot.id,
      conversation: { id: event.channel, type: direct ? 'direct' : 'group', ...(threadTs ? { threadId: threadTs } : {}) },
      sender: { id: event.user, ...(name ? { name } : {}) },
      text,
      mentionsBot: direct || mentionsBot || event.type === 'app_mention',
      attachments,
      replyTarget: { ...replyTarget },
      receivedAt: ctx.receivedAt,
    },
  };
}

/** A slash command is a message to the bot; the answer goes to the channel it was typed in. */
export function normalizeSlashCommand(cmd: SlackSlashCommand, ctx: NormalizeContext): NormalizeOutcome {
  if (!cmd.trigger_id) return ignored('command_without_trigger');
  const direct = cmd.channel_id.startsWith('D');
  const text = unescapeSlack(cmd.text ?? '').trim() || cmd.command;
  const teamId = cmd.team_id ?? ctx.teamId;
  const replyTarget: SlackReplyTarget = {
    channel: cmd.channel_id,
    userId: cmd.user_id,
    ...(teamId ? { teamId } : {}),
    direct,
  };
  return {
    kind: 'message',
    message: {
      id: `command:${cmd.trigger_id}`,
      platform: 'slack',
      tenantId: ctx.bot.tenantId,
      botId: ctx.bot.id,
      conversation: { id: cmd.channel_id, type: direct ? 'direct' : 'group' },
      sender: { id: cmd.user_id, ...(cmd.user_name ? { name: cmd.user_name } : {}) },
      text,
      mentionsBot: true,
      attachments: [],
      replyTarget: { ...replyTarget },
      receivedAt: ctx.receivedAt,
    },
  };
}

function isDirect(event: SlackMessageEvent): boolean {
  return event.channel_type === 'im' || (event.channel_type === undefined && event.channel.startsWith('D'));
}

function mentions(text: string, userId: string): boolean {
  return text.includes(`<@${userId}>`) || text.includes(`<@${userId}|`);
}

/** Strips the bot's mention, turns Slack's link markup and entities back into plain text. */
export function cleanText(text: string, botUserId?: string): string {
  let out = text;
  if (botUserId) out = out.replace(new RegExp(`<@${escapeRegExp(botUserId)}(\\|[^>]*)?>`, 'g'), ' ');
  out = out.replace(/<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>/g, (_m, url: string, label?: string) =>
    label && label !== url && !url.endsWith(label) ? `${label} (${url})` : url.replace(/^mailto:/, ''),
  );
  return unescapeSlack(out)
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function fileToAttachment(file: SlackFile): Attachment | undefined {
  const ref = file.url_private_download ?? file.url_private;
  if (!ref || file.mode === 'tombstone' || file.mode === 'hidden_by_limit' || file.mode === 'external') return undefined;
  const mime = file.mimetype;
  const kind: Attachment['kind'] = mime?.startsWith('image/')
    ? 'image'
    : mime?.startsWith('audio/')
      ? 'audio'
      : mime?.startsWith('video/')
        ? 'video'
        : 'file';
  return {
    kind,
    ref,
    ...(file.name ?? file.title ? { name: file.name ?? file.title } : {}),
    ...(mime ? { mime } : {}),
    ...(typeof file.size === 'number' ? { size: file.size } : {}),
  };
}

function ignored(reason: string): NormalizeOutcome {
  return { kind: 'ignored', reason };
}
