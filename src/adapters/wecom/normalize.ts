/**
 * Step 4 of the hot path for WeCom callbacks: decrypted payload → NormalizedMessage (or an event / refresh).
 * Pure: no I/O, the receive time comes in as a parameter. Ids stay exact strings (MsgId is a 64-bit integer).
 */
import { createHash } from 'node:crypto';
import type { Attachment, NormalizedMessage } from '../types.js';
import { WecomDecodeError } from './errors.js';
import { isRecord, type InnerFields } from './decode.js';

export interface NormalizeContext {
  botId: string;
  tenantId: string;
  /** Milliseconds since the epoch. */
  receivedAt: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Attachment refs: one encode/decode pair (persisted on the message row, read back by downloadAttachment).
// ---------------------------------------------------------------------------------------------------------------

export type WecomAttachmentRef =
  /** App mode: a media id, fetched with `media/get` (valid 3 days). */
  | { source: 'media'; mediaId: string }
  /** Smart bot: a URL whose body is AES-encrypted, with the bot key or a per-item key. */
  | { source: 'url'; url: string; aesKey?: string };

export function encodeAttachmentRef(ref: WecomAttachmentRef): string {
  if (ref.source === 'media') return `media:${ref.mediaId}`;
  return ref.aesKey ? `urlk:${ref.aesKey}:${ref.url}` : `url:${ref.url}`;
}

export function decodeAttachmentRef(ref: string): WecomAttachmentRef {
  if (ref.startsWith('media:') && ref.length > 6) return { source: 'media', mediaId: ref.slice(6) };
  if (ref.startsWith('url:') && ref.length > 4) return { source: 'url', url: ref.slice(4) };
  if (ref.startsWith('urlk:')) {
    const sep = ref.indexOf(':', 5);
    if (sep > 5 && sep < ref.length - 1) return { source: 'url', aesKey: ref.slice(5, sep), url: ref.slice(sep + 1) };
  }
  throw new WecomDecodeError('bad_attachment_ref', 'Not a WeCom attachment reference');
}

// ---------------------------------------------------------------------------------------------------------------
// Reply targets: what the sender needs, persisted as JSON on the message row.
// ---------------------------------------------------------------------------------------------------------------

export interface AppReplyTarget {
  mode: 'app';
  toUser: string;
  agentId: string;
  /** The inbound MsgId: keys the sender's record of chunks already delivered. */
  msgId?: string;
}

export interface SmartBotReplyTarget {
  mode: 'smart_bot';
  chatType: 'single' | 'group';
  chatId?: string;
  userId: string;
  responseUrl?: string;
  /** Present when the callback was answered with a stream start: the answer must go through the stream. */
  streamId?: string;
  /** When the message reached us (ms); the stream protocol polls for at most 6 minutes from the user's send. */
  receivedAt: number;
}

export type WecomReplyTarget = AppReplyTarget | SmartBotReplyTarget;

export function readReplyTarget(target: Record<string, unknown>): WecomReplyTarget {
  if (target.mode === 'app' && typeof target.toUser === 'string' && typeof target.agentId === 'string') {
    return {
      mode: 'app',
      toUser: target.toUser,
      agentId: target.agentId,
      ...(typeof target.msgId === 'string' ? { msgId: target.msgId } : {}),
    };
  }
  if (target.mode === 'smart_bot' && typeof target.userId === 'string') {
    return {
      mode: 'smart_bot',
      chatType: target.chatType === 'group' ? 'group' : 'single',
      chatId: typeof target.chatId === 'string' ? target.chatId : undefined,
      userId: target.userId,
      responseUrl: typeof target.responseUrl === 'string' ? target.responseUrl : undefined,
      streamId: typeof target.streamId === 'string' ? target.streamId : undefined,
      receivedAt: typeof target.receivedAt === 'number' ? target.receivedAt : 0,
    };
  }
  throw new WecomDecodeError('bad_reply_target', 'Reply target is not a WeCom target');
}

// ---------------------------------------------------------------------------------------------------------------
// Self-built app (XML)
// ---------------------------------------------------------------------------------------------------------------

export type AppCallback =
  | { kind: 'message'; message: NormalizedMessage }
  | { kind: 'event'; event: string; userId: string; eventKey?: string; dedupeId: string }
  | { kind: 'unsupported'; reason: string };

/** Dedupe id of an event: FromUserName + CreateTime + event (WeCom events have no MsgId). */
export function appEventDedupeId(fields: InnerFields): string {
  return `ev:${fields.FromUserName ?? ''}:${fields.CreateTime ?? ''}:${fields.Event ?? ''}`;
}

const APP_MEDIA_KINDS: Record<string, { kind: Attachment['kind']; mime?: string }> = {
  image: { kind: 'image', mime: 'image/jpeg' },
  voice: { kind: 'audio' },
  video: { kind: 'video' },
  shortvideo: { kind: 'video' },
  file: { kind: 'file' },
};

export function normalizeAppCallback(fields: InnerFields, ctx: NormalizeContext & { agentId: string }): AppCallback {
  const msgType = fields.MsgType ?? '';
  const from = fields.FromUserName;
  if (!from) throw new WecomDecodeError('bad_message', 'Message has no FromUserName');

  if (msgType === 'event') {
    const event = fields.Event ?? '';
    return { kind: 'event', event, userId: from, eventKey: fields.EventKey || undefined, dedupeId: appEventDedupeId(fields) };
  }

  const msgId = fields.MsgId;
  if (!msgId || !/^\d{1,20}$/.test(msgId)) throw new WecomDecodeError('bad_message', 'Message has no valid MsgId');

  let text: string;
  const attachments: Attachment[] = [];
  switch (msgType) {
    case 'text':
      text = fields.Content ?? '';
      break;
    case 'image':
    case 'voice':
    case 'video':
    case 'shortvideo':
    case 'file': {
      const mediaId = fields.MediaId;
      if (!mediaId) throw new WecomDecodeError('bad_message', `${msgType} message has no MediaId`);
      const spec = APP_MEDIA_KINDS[msgType]!;
      const mime = msgType === 'voice' && fields.Format ? `audio/${fields.Format.toLowerCase()}` : spec.mime;
      attachments.push({
        kind: spec.kind,
        ref: encodeAttachmentRef({ source: 'media', mediaId }),
        ...(fields.FileName ? { name: fields.FileName } : {}),
        ...(mime ? { mime } : {}),
      });
      // Voice recognition (when enabled in the admin console) arrives as text.
      text = msgType === 'voice' ? (fields.Recognition ?? '') : '';
      break;
    }
    case 'location': {
      const label = fields.Label ?? '';
      text = `[location] ${label} (${fields.Location_X ?? '?'}, ${fields.Location_Y ?? '?'})`.replace('  ', ' ');
      break;
    }
    case 'link':
      text = [fields.Title, fields.Description, fields.Url].filter((s) => s && s.length > 0).join('\n');
      break;
    default:
      return { kind: 'unsupported', reason: `unsupported msgtype ${msgType || '(none)'}` };
  }

  const target: AppReplyTarget = { mode: 'app', toUser: from, agentId: fields.AgentID || ctx.agentId, msgId };
  return {
    kind: 'message',
    message: {
      id: msgId,
      platform: 'wecom',
      tenantId: ctx.tenantId,
      botId: ctx.botId,
      conversation: { id: from, type: 'direct' },
      sender: { id: from },
      text,
      mentionsBot: true,
      attachments,
      replyTarget: { ...target },
      receivedAt: new Date(ctx.receivedAt).toISOString(),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Smart bot (JSON)
// ---------------------------------------------------------------------------------------------------------------

export type SmartBotCallback =
  | { kind: 'message'; message: NormalizedMessage; streamId: string }
  | { kind: 'refresh'; streamId: string }
  | { kind: 'event'; eventType: string; userId: string; chatType: 'single' | 'group'; dedupeId: string }
  | { kind: 'unsupported'; reason: string };

/**
 * The stream id of a message: derived from the bot and the msgid, so WeCom's retries of the same callback get the
 * same id, and unguessable enough not to collide across bots.
 */
export function streamIdFor(botId: string, msgId: string): string {
  return createHash('sha256').update(`wecom-stream\n${botId}\n${msgId}`).digest('base64url').slice(0, 32);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function sub(msg: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = msg[key];
  return isRecord(v) ? v : undefined;
}

function urlAttachment(kind: Attachment['kind'], body: Record<string, unknown> | undefined): Attachment | undefined {
  const url = str(body?.url);
  if (!url || !/^https?:\/\//.test(url)) return undefined;
  const aesKey = str(body?.aeskey);
  const name = str(body?.filename) ?? str(body?.name);
  return { kind, ref: encodeAttachmentRef({ source: 'url', url, aesKey }), ...(name ? { name } : {}) };
}

/** Text and attachments of one content node (the message itself, a quote, or a mixed item). */
function contentOf(node: Record<string, unknown>): { text: string; attachments: Attachment[] } {
  const type = str(node.msgtype);
  const attachments: Attachment[] = [];
  let text = '';
  switch (type) {
    case 'text':
      text = str(sub(node, 'text')?.content) ?? '';
      break;
    case 'voice':
      // WeCom transcribes voice for the smart bot: only the text arrives.
      text = str(sub(node, 'voice')?.content) ?? '';
      break;
    case 'image': {
      const a = urlAttachment('image', sub(node, 'image'));
      if (a) attachments.push(a);
      break;
    }
    case 'file': {
      const a = urlAttachment('file', sub(node, 'file'));
      if (a) attachments.push(a);
      break;
    }
    case 'mixed': {
      const items = sub(node, 'mixed')?.msg_item;
      const parts: string[] = [];
      if (Array.isArray(items)) {
        for (const item of items.slice(0, 50)) {
          if (!isRecord(item)) continue;
          const c = contentOf(item);
          if (c.text) parts.push(c.text);
          attachments.push(...c.attachments);
        }
      }
      text = parts.join('\n');
      break;
    }
    default:
      break;
  }
  return { text, attachments };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Strips @-mentions of the bot: every `@name` of the configured names; with no names configured, the first
 * leading `@token` (in a group, WeCom only delivers messages that @-mention the bot, and the client puts that
 * mention first).
 */
export function stripBotMention(text: string, mentionNames: readonly string[]): string {
  let out = text;
  for (const name of mentionNames) {
    const re = new RegExp(`(^|\\s)@${escapeRe(name)}(?=\\s|$)`, 'g');
    out = out.replace(re, '$1');
  }
  if (mentionNames.length === 0) out = out.replace(/^\s*@\S+(?:\s+|$)/, '');
  return out.replace(/[ \t\u00a0\u2005]{2,}/g, ' ').trim();
}

export function normalizeSmartBotCallback(
  msg: Record<string, unknown>,
  ctx: NormalizeContext & { streaming: boolean; mentionNames: readonly string[] },
): SmartBotCallback {
  const msgType = str(msg.msgtype) ?? '';
  const from = str(sub(msg, 'from')?.userid) ?? '';
  const chatType: 'single' | 'group' = msg.chattype === 'group' ? 'group' : 'single';

  if (msgType === 'stream') {
    const id = str(sub(msg, 'stream')?.id);
    if (!id || id.length > 128) throw new WecomDecodeError('bad_message', 'Stream refresh has no stream id');
    return { kind: 'refresh', streamId: id };
  }
  if (msgType === 'event') {
    const eventType = str(sub(msg, 'event')?.eventtype) ?? '';
    const msgId = str(msg.msgid) ?? '';
    return { kind: 'event', eventType, userId: from, chatType, dedupeId: `ev:${msgId || from}:${eventType}` };
  }

  const msgId = str(msg.msgid);
  if (!msgId || msgId.length > 256) throw new WecomDecodeError('bad_message', 'Message has no msgid');
  if (!from) throw new WecomDecodeError('bad_message', 'Message has no from.userid');
  if (!['text', 'image', 'mixed', 'voice', 'file'].includes(msgType)) {
    return { kind: 'unsupported', reason: `unsupported msgtype ${msgType || '(none)'}` };
  }

  const own = contentOf(msg);
  let text = chatType === 'group' ? stripBotMention(own.text, ctx.mentionNames) : own.text.trim();
  const attachments = [...own.attachments];
  const quote = sub(msg, 'quote');
  if (quote) {
    const q = contentOf(quote);
    if (q.text) text = `${q.text.split('\n').map((l) => `> ${l}`).join('\n')}\n\n${text}`;
    attachments.push(...q.attachments);
  }

  const chatId = str(msg.chatid);
  if (chatType === 'group' && !chatId) throw new WecomDecodeError('bad_message', 'Group message has no chatid');
  const streamId = streamIdFor(ctx.botId, msgId);
  const target: SmartBotReplyTarget = {
    mode: 'smart_bot',
    chatType,
    ...(chatId ? { chatId } : {}),
    userId: from,
    ...(str(msg.response_url) ? { responseUrl: str(msg.response_url) } : {}),
    ...(ctx.streaming ? { streamId } : {}),
    receivedAt: ctx.receivedAt,
  };
  return {
    kind: 'message',
    streamId,
    message: {
      id: msgId,
      platform: 'wecom',
      tenantId: ctx.tenantId,
      botId: ctx.botId,
      conversation: { id: chatType === 'group' ? chatId! : from, type: chatType === 'group' ? 'group' : 'direct' },
      sender: { id: from },
      text,
      mentionsBot: chatType === 'group',
      attachments,
      replyTarget: { ...target },
      receivedAt: new Date(ctx.receivedAt).toISOString(),
    },
  };
}
