import type { Platform } from './platform.js';

export interface Attachment {
  kind: 'image' | 'file' | 'audio' | 'video';
  /** Adapter-specific reference the adapter can download later (media id, URL, file id). */
  ref: string;
  name?: string;
  mime?: string;
  size?: number;
}

/** Everything a sender needs to answer: adapter-specific, persisted as JSON on the message row. */
export type ReplyTarget = Record<string, unknown>;

export interface NormalizedMessage {
  /** Platform message id as an exact string (64-bit ids stay strings). Dedupe key with botId. */
  id: string;
  platform: Platform;
  tenantId: string;
  botId: string;
  conversation: { id: string; type: 'direct' | 'group'; threadId?: string };
  sender: { id: string; name?: string };
  /** Mentions of the bot stripped. */
  text: string;
  mentionsBot: boolean;
  attachments: Attachment[];
  replyTarget: ReplyTarget;
  /** ISO 8601. */
  receivedAt: string;
}
