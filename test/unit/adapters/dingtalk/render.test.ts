import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenceStateAfter } from '../../../../src/adapters/markdown-split.js';
import { markdownTitle, renderDingtalkText, splitForCard, splitForDingtalk, toDingtalkMarkdown } from '../../../../src/adapters/dingtalk/render.js';

describe('DingTalk rendering', () => {
  it('keeps headings, bold, links, lists and code; converts __bold__, drops strikethrough, escapes raw HTML outside code', () => {
    const md = '## Title\n- **a** and __b__ ~~c~~\n[docs](https://d)\n<script>x</script>\n```html\n<b>kept</b>\n```\n`<i>`';
    expect(toDingtalkMarkdown(md)).toBe('## Title\n- **a** and **b** c\n[docs](https://d)\n&lt;script&gt;x&lt;/script&gt;\n```html\n<b>kept</b>\n```\n`<i>`');
  });

  it('plain text format and footers', () => {
    expect(renderDingtalkText('## Hi\n**there**', 'text', '20 tokens')).toBe('Hi\nthere\n\n— 20 tokens');
    expect(renderDingtalkText('Hi', 'markdown', '20 tokens')).toBe('Hi\n\n> 20 tokens');
  });

  it('titles come from the first line, without markers, at most 40 characters', () => {
    expect(markdownTitle('## 年假政策\n正文')).toBe('年假政策');
    expect(markdownTitle('')).toBe('Reply');
    expect([...markdownTitle('x'.repeat(100))]).toHaveLength(40);
  });

  it('splits under the byte limit at safe boundaries: every chunk fits, fences stay balanced, nothing is lost', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.constant('```ts'), fc.constant('```'), fc.constant('')), { maxLength: 80 }), (lines) => {
        const raw = lines.join('\n');
        // Inputs with their fences closed: a chunk may only leave a fence open where the input does.
        const text = fenceStateAfter(raw, undefined) ? `${raw}\n\`\`\`` : raw;
        const chunks = splitForDingtalk(text, 512);
        for (const c of chunks) {
          expect(Buffer.byteLength(c)).toBeLessThanOrEqual(512);
          expect(fenceStateAfter(c, undefined)).toBeUndefined();
        }
        expect(chunks.join('').replace(/\s|`/g, '')).toBe(text.replace(/\s|`/g, ''));
      }),
      { numRuns: 200 },
    );
  });

  it('a long answer: the card holds the first part, the rest follows, together they are the whole text', () => {
    const text = Array.from({ length: 40 }, (_, i) => `Paragraph ${i}: ${'词'.repeat(30)}`).join('\n\n');
    const { card, rest } = splitForCard(text, 1000);
    expect(Buffer.byteLength(card)).toBeLessThanOrEqual(1000);
    expect(rest.length).toBeGreaterThan(0);
    expect(card + rest).toBe(text);
    expect(splitForCard('short', 1000)).toEqual({ card: 'short', rest: '' });
  });

  it('a card cut inside a code fence closes it, and the rest re-opens it', () => {
    const text = `intro\n\n\`\`\`ts\n${Array.from({ length: 60 }, (_, i) => `const v${i} = ${i};`).join('\n')}\n\`\`\`\n\nafter`;
    const { card, rest } = splitForCard(text, 400);
    expect(card.trimEnd().endsWith('```')).toBe(true);
    expect(rest.startsWith('```ts\n')).toBe(true);
  });
});
