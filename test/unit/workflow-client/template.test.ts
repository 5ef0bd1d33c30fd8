import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { renderInputs, renderJsonTemplate, renderTemplate, validateMapping, validateTemplate } from '../../../src/workflow-client/template.js';
import type { TemplateContext } from '../../../src/workflow-client/types.js';
import { userIdFor } from '../../../src/workflow-client/user-id.js';

const ctx: TemplateContext = {
  platform: 'wecom',
  message: { id: '7081234567890123456', text: 'Hello {{sender.id}}', receivedAt: '2026-11-21T10:00:00.000Z' },
  sender: { id: 'zhangsan' },
  conversation: { id: 'chat-1', type: 'direct' },
  bot: { id: 'b1', name: 'Helper' },
  tenant: { id: 't1' },
};

describe('template', () => {
  test('renders known fields, with spaces inside the braces, optional fields empty', () => {
    expect(renderTemplate('{{platform}}/{{ sender.id }}: {{message.text}} [{{sender.name}}] {{conversation.threadId}}', ctx)).toBe(
      'wecom/zhangsan: Hello {{sender.id}} [] ',
    );
    expect(renderTemplate('{{bot.name}} in {{conversation.type}} ({{tenant.id}}, {{message.id}})', ctx)).toBe('Helper in direct (t1, 7081234567890123456)');
  });

  test('values are never re-evaluated (a message containing {{...}} stays text)', () => {
    expect(renderTemplate('{{message.text}}', ctx)).toBe('Hello {{sender.id}}');
  });

  test('{{{{ is a literal {{', () => {
    expect(renderTemplate('{{{{not a field}}', ctx)).toBe('{{not a field}}');
  });

  test.each(['{{__proto__}}', '{{constructor}}', '{{message.constructor.name}}', '{{sender.__proto__.polluted}}', '{{process.env.SECRET}}', '{{message}}', '{{ }}', '{{message.text'])(
    '%s is a validation error, never a lookup',
    (template) => {
      expect(validateTemplate(template)).not.toHaveLength(0);
      expect(() => renderTemplate(template, ctx)).toThrow(ConfigError);
    },
  );

  test('validateMapping names the input and the bad placeholder', () => {
    expect(validateMapping({ good: '{{message.text}}', bad: 'hi {{sender.email}}' })).toEqual([
      expect.stringMatching(/^input "bad": unknown placeholder "\{\{sender.email\}\}"; known: platform, message.id/),
    ]);
  });

  test('renderInputs renders each input; keys like __proto__ stay plain data', () => {
    const inputs = renderInputs({ who: '{{sender.id}}', ['__proto__']: 'x', n: '3' }, ctx);
    expect(inputs.who).toBe('zhangsan');
    expect(Object.getPrototypeOf(inputs)).toBe(Object.prototype);
    expect(Object.hasOwn(inputs, '__proto__')).toBe(true);
    expect(() => renderInputs({ a: '{{nope}}' }, ctx)).toThrow(/input "a"/);
  });

  test('JSON body templates render string leaves only', () => {
    expect(renderJsonTemplate({ a: ['{{platform}}', 1, null], b: { c: '{{message.text}}' }, d: true }, ctx)).toEqual({
      a: ['wecom', 1, null],
      b: { c: 'Hello {{sender.id}}' },
      d: true,
    });
  });

  test('property: any text without braces renders to itself; rendering never throws on valid templates', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !s.includes('{')), (text) => {
        expect(renderTemplate(text, ctx)).toBe(text);
        expect(renderTemplate(`${text}{{sender.id}}${text}`, ctx)).toBe(`${text}zhangsan${text}`);
      }),
    );
  });
});

describe('userIdFor', () => {
  test('stable, readable for plain ids, distinct per platform', () => {
    expect(userIdFor('slack', 'U024BE7LH')).toBe('slack:U024BE7LH');
    expect(userIdFor('dingtalk', 'U024BE7LH')).not.toBe(userIdFor('slack', 'U024BE7LH'));
    expect(userIdFor('wecom', 'zhang san')).toBe(userIdFor('wecom', 'zhang san'));
  });

  test('odd or long ids are hashed', () => {
    const id = userIdFor('wecom', '张三\n'.repeat(40));
    expect(id).toMatch(/^wecom:h-[0-9a-f]{32}$/);
    expect(userIdFor('wecom', 'a'.repeat(65))).toMatch(/^wecom:h-/);
  });
});
