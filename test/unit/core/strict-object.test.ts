import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closestName, strictObject } from '../../../src/core/strict-object.js';

describe('closestName', () => {
  it('finds the declared name a typo was meant to be, ignoring case', () => {
    expect(closestName('replyformat', ['replyFormat', 'streaming'])).toBe('replyFormat');
    expect(closestName('FALLBACK_TEXT', ['fallbackText', 'resetCommands'])).toBe('fallbackText');
    expect(closestName('tenant', ['version', 'tenants'])).toBe('tenants');
    expect(closestName('enteragent', ['enter_agent', 'enter_chat', 'subscribe'])).toBe('enter_agent');
  });

  it('suggests nothing when no name is close enough to be a typo', () => {
    expect(closestName('colour', ['slug', 'name', 'workflows', 'bots'])).toBeUndefined();
    expect(closestName('x', ['listen'])).toBeUndefined();
    expect(closestName('anything', [])).toBeUndefined();
  });
});

describe('strictObject', () => {
  it('refuses unknown keys at every level with a suggestion, and keeps working after .extend()', () => {
    const schema = strictObject({ listen: z.string().optional(), events: strictObject({ subscribe: z.string().optional() }).optional() });
    const issues = schema.safeParse({ Listen: 'all', events: { subscrbe: 'greet' } }).error?.issues;
    expect(issues?.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['events', 'unknown key "subscrbe" (did you mean "subscribe"?)'],
      ['', 'unknown key "Listen" (did you mean "listen"?)'],
    ]);
    const extended = schema.extend({ threadReplies: z.boolean().optional() });
    expect(extended.safeParse({ threadreplies: true }).error?.issues[0]?.message).toBe('unknown key "threadreplies" (did you mean "threadReplies"?)');
    expect(extended.parse({ listen: 'all', threadReplies: true })).toEqual({ listen: 'all', threadReplies: true });
  });
});
