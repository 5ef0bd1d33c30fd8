import type { NormalizedMessage } from '../adapters/types.js';

/**
 * One encode/decode pair for the key that orders a conversation's messages: bot + platform conversation + thread.
 * Parts are URI-encoded so a '|' inside an id cannot make two conversations collide.
 */
export function encodeConversationKey(botId: string, conversationId: string, threadId?: string): string {
  return [botId, conversationId, threadId ?? ''].map(encodeURIComponent).join('|');
}

export function decodeConversationKey(key: string): { botId: string; conversationId: string; threadId?: string } {
  const parts = key.split('|');
  if (parts.length !== 3) throw new Error(`not a conversation key: ${key}`);
  const [botId, conversationId, threadId] = parts.map(decodeURIComponent) as [string, string, string];
  return threadId === '' ? { botId, conversationId } : { botId, conversationId, threadId };
}

export function conversationKeyOf(message: NormalizedMessage): string {
  return encodeConversationKey(message.botId, message.conversation.id, message.conversation.threadId);
}
