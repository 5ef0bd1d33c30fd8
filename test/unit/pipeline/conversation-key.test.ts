import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeConversationKey, encodeConversationKey } from '../../../src/pipeline/conversation-key.js';

describe('conversation key', () => {
  it('round-trips any ids, including separators', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.option(fc.string({ minLength: 1 }), { nil: undefined }), (bot, conv, thread) => {
        const decoded = decodeConversationKey(encodeConversationKey(bot, conv, thread));
        expect(decoded).toEqual(thread === undefined ? { botId: bot, conversationId: conv } : { botId: bot, conversationId: conv, threadId: thread });
      }),
    );
  });

  it('keeps distinct conversations distinct', () => {
    expect(encodeConversationKey('b', 'x|y', undefined)).not.toBe(encodeConversationKey('b', 'x', 'y'));
  });
});
