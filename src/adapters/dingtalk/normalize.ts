/**
 * Step 4 of the hot path for DingTalk: a robot message (HTTP callback or Stream frame, same JSON) →
 * NormalizedMessage, and a decrypted event → its kind. Pure: no I/O, the receive time comes in as a parameter.
 */
import type { Attachment, NormalizedMessage } from '../types.js';
import { isRecord } from './decode.js';
import { DingtalkDecodeError } from './errors.js';

export interface NormalizeContext {
  botId: string;
  tenantId: string;
  /** Milliseconds since the epoch. */
  receivedAt: number;
  groupPolicy: 'mentions' | 'all';
  mentionNames: readonly string[];
  /** The robot code configured for the bot (credential or clientId). */
  robotCode: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Attachment refs: one encode/decode pair (persisted on the message row, read back by downloadAttachment).
// ---------------------------------------------------------------------------------------------------------------

/** A file of a robot message, fetched later through `messageFiles/download` with the robot code. */
export interface DingtalkAttachmentRef {
  downloadCode: string;
  robotCode: string;
}

export function encodeAttachmentRef(ref: DingtalkAttachmentRef): string {
  return `dl:${ref.robotCode}:${ref.downloadCode}`;
}

export function decodeAttachmentRef(ref: string): DingtalkAttachmentRef {
  if (ref.startsWith('dl:')) {
    const sep = ref.indexOf(':', 3);
    if (sep > 3 && sep < ref.length - 1) return { robotCode: ref.slice(3, sep), downloadCode: ref.slice(sep + 1) };
  }
  throw new DingtalkDecodeError('bad_attachment_ref', 'Not a DingTalk attachment reference');
}

// ---------------------------------------------------------------------------------------------------------------
// Reply targets: what the sender needs, persisted as JSON on the message row.
// ---------------------------------------------------------------------------------------------------------------

export interface DingtalkReplyTarget {
  platform: 'dingtalk';
  conversationType: 'direct' | 'group';
  /** The openConversationId (groups) or the 1:1 conversation id. */
  conversationId: string;
  /** The sender's staff id (userId), else DingTalk's senderId for external users. */
  userId: string;
  /** True when `userId` is a staff id the robot APIs accept. */
  isStaff: boolean;
  robotCode: string;
  /** The inbound msgId: keys the sender's record of parts already delivered. */
  msgId: string;
  /** Reply URL valid until `sessionWebhookExpiresAt` (ms). A capability: never logged. */
  sessionWebhook?: string;
  sessionWebhookExpiresAt?: number;
}

export function readReplyTarget(target: Record<string, unknown>): DingtalkReplyTarget {
  if (target.platform !== 'dingtalk' || typeof target.conversationId !== 'string' || typeof target.userId !== 'string') {
    throw new DingtalkDecodeError('bad_reply_target', 'Reply target is not a DingTalk target');
  }
  return {
    platform: 'dingtalk',
    conversationType: target.conversationType === 'group' ? 'group' : 'direct',
    conversationId: target.conversationId,
    userId: target.userId,
    isStaff: target.isStaff === true,
    robotCode: typeof target.robotCode === 'string' ? target.robotCode : '',
    msgId: typeof target.msgId === 'string' ? target.msgId : '',
    ...(typeof target.sessionWebhook === 'string' ? { sessionWebhook: target.sessionWebhook } : {}),
    ...(typeof target.sessionWebhookExpiresAt === 'number' ? { sessionWebhookExpiresAt: target.sessionWebhookExpiresAt } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Robot messages
// ---------------------------------------------------------------------------------------------------------------

export type RobotCallback = { kind: 'message'; message: NormalizedMessage } | { kind: 'ignored'; reason: string };

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d{1,16}$/.test(v)) return Number(v);
  return undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Strips @-mentions of the bot. DingTalk already removes the robot's own @name from `text.content` in most
 * clients; configured names catch the rest (and the `@name` DingTalk leaves when the robot was @-mentioned twice).
 */
export function stripBotMention(text: string, mentionNames: readonly string[]): string {
  let out = text;
  for (const name of mentionNames) out = out.replace(new RegExp(`(^|\\s)@${escapeRe(name)}(?=\\s|$)`, 'g'), '$1');
  return out.replace(/[ \t\u00a0\u2005]{2,}/g, ' ').trim();
}

function fileAttachment(kind: Attachment['kind'], content: Record<string, unknown> | undefined, robotCode: string, mime?: string): Attachment | undefined {
  const downloadCode = str(content?.downloadCode) ?? str(content?.pictureDownloadCode);
  if (!downloadCode || downloadCode.length > 4096) return undefined;
  const name = str(content?.fileName);
  return { kind, ref: encodeAttachmentRef({ downloadCode, robotCode }), ...(name ? { name: name.slice(0, 200) } : {}), ...(mime ? { mime } : {}) };
}

/** Text and pictures of a richText message, in order. */
function richTextOf(content: Record<string, unknown> | undefined, robotCode: string): { text: string; attachments: Attachment[] } {
  const items = Array.isArray(content?.richText) ? content.richText : [];
  const parts: string[] = [];
  const attachments: Attachment[] = [];
  for (const item of items.slice(0, 100)) {
    if (!isRecord(item)) continue;
    const text = str(item.text);
    if (text !== undefined) parts.push(text);
    if (item.type === 'picture' || item.downloadCode !== undefined || item.pictureDownloadCode !== undefined) {
      const a = fileAttachment('image', item, robotCode, 'image/jpeg');
      if (a) attachments.push(a);
    }
  }
  return { text: parts.join(''), attachments };
}

export function normalizeRobotMessage(msg: Record<string, unknown>, ctx: NormalizeContext): RobotCallback {
  const msgId = str(msg.msgId);
  if (!msgId || msgId.length > 256) throw new DingtalkDecodeError('bad_message', 'Robot message has no msgId');
  const conversationId = str(msg.conversationId);
  if (!conversationId || conversationId.length > 256) throw new DingtalkDecodeError('bad_message', 'Robot message has no conversationId');
  const conversationType = str(msg.conversationType) === '2' ? 'group' : 'direct';
  const staffId = str(msg.senderStaffId) ?? '';
  const senderId = staffId || str(msg.senderId) || '';
  if (!senderId) throw new DingtalkDecodeError('bad_message', 'Robot message has no sender');
  // The robot code the message names, else the configured one. Replies and downloads use it.
  const robotCode = str(msg.robotCode) || ctx.robotCode;

  // DingTalk only delivers group messages that @-mention the robot; an explicit false means it was not.
  const mentioned = conversationType === 'direct' || msg.isInAtList !== false;
  if (conversationType === 'group' && ctx.groupPolicy === 'mentions' && !mentioned) {
    return { kind: 'ignored', reason: 'group message without an @-mention of the bot (groupPolicy: mentions)' };
  }

  const msgType = str(msg.msgtype) ?? '';
  const content = isRecord(msg.content) ? msg.content : undefined;
  let text = '';
  const attachments: Attachment[] = [];
  switch (msgType) {
    case 'text':
      text = str(isRecord(msg.text) ? msg.text.content : undefined) ?? '';
      break;
    case 'richText': {
      const rich = richTextOf(content, robotCode);
      text = rich.text;
      attachments.push(...rich.attachments);
      break;
    }
    case 'picture': {
      const a = fileAttachment('image', content, robotCode, 'image/jpeg');
      if (a) attachments.push(a);
      break;
    }
    case 'file':
    case 'video': {
      const a = fileAttachment(msgType, content, robotCode, msgType === 'video' ? `video/${str(content?.videoType) ?? 'mp4'}` : undefined);
      if (a) attachments.push(a);
      break;
    }
    case 'audio': {
      // DingTalk transcribes voice: the recognition is the text, the audio stays attached.
      text = str(content?.recognition) ?? '';
      const a = fileAttachment('audio', content, robotCode);
      if (a) attachments.push(a);
      break;
    }
    case 'unknownMsgType':
      return { kind: 'ignored', reason: 'unknownMsgType: DingTalk could not describe this message to the robot' };
    default:
      return { kind: 'ignored', reason: `unsupported msgtype ${msgType || '(none)'}` };
  }
  text = conversationType === 'group' ? stripBotMention(text, ctx.mentionNames) : text.trim();
  if (!text && attachments.length === 0) return { kind: 'ignored', reason: `empty ${msgType} message` };

  const sessionWebhook = str(msg.sessionWebhook);
  const expires = num(msg.sessionWebhookExpiredTime);
  const target: DingtalkReplyTarget = {
    platform: 'dingtalk',
    conversationType,
    conversationId,
    userId: senderId,
    isStaff: staffId.length > 0,
    robotCode,
    msgId,
    ...(sessionWebhook && /^https?:\/\//.test(sessionWebhook) ? { sessionWebhook } : {}),
    ...(expires !== undefined ? { sessionWebhookExpiresAt: expires } : {}),
  };
  const nick = str(msg.senderNick);
  return {
    kind: 'message',
    message: {
      id: msgId,
      platform: 'dingtalk',
      tenantId: ctx.tenantId,
      botId: ctx.botId,
      conversation: { id: conversationId, type: conversationType },
      sender: { id: senderId, ...(nick ? { name: nick.slice(0, 200) } : {}) },
      text,
      mentionsBot: mentioned,
      attachments,
      replyTarget: { ...target },
      receivedAt: new Date(ctx.receivedAt).toISOString(),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Events (event_http)
// ---------------------------------------------------------------------------------------------------------------

export type DingtalkEvent = { kind: 'check_url' } | { kind: 'event'; eventType: string };

export function classifyEvent(event: Record<string, unknown>): DingtalkEvent {
  const type = str(event.EventType) ?? str(event.eventType) ?? '';
  if (type === 'check_url') return { kind: 'check_url' };
  return { kind: 'event', eventType: type.slice(0, 64) };
}
