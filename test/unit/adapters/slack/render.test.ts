import { describe, expect, it } from 'vitest';
import { markdownToMrkdwn, renderSlackMessages, splitSections } from '../../../../src/adapters/slack/render.js';

describe('markdownToMrkdwn', () => {
  it('converts emphasis, strike and links', () => {
    expect(markdownToMrkdwn('**bold** and *italic* and _also_ and ~~gone~~')).toBe('*bold* and _italic_ and _also_ and ~gone~');
    expect(markdownToMrkdwn('see [the docs](https://example.com/a?b=1&c=2) now')).toBe('see <https://example.com/a?b=1&amp;c=2|the docs> now');
    expect(markdownToMrkdwn('![chart](https://x.test/c.png)')).toBe('<https://x.test/c.png|chart>');
  });

  it('escapes &, < and > outside links', () => {
    expect(markdownToMrkdwn('a < b && c > d <@U123>')).toBe('a &lt; b &amp;&amp; c &gt; d &lt;@U123&gt;');
  });

  it('turns headings into bold lines and lists into bullets', () => {
    expect(markdownToMrkdwn('# Title\n## Sub **x**\n- one\n* two\n  - nested\n1. first\n- [x] done\n- [ ] todo')).toBe(
      '*Title*\n*Sub x*\n• one\n• two\n    • nested\n1. first\n☑ done\n☐ todo',
    );
  });

  it('keeps code verbatim (escaped only)', () => {
    expect(markdownToMrkdwn('use `a**b**<c>` here')).toBe('use `a**b**&lt;c&gt;` here');
    expect(markdownToMrkdwn('```ts\nconst a = x && **y**;\n```')).toBe('```\nconst a = x &amp;&amp; **y**;\n```');
  });

  it('closes an unfinished code block (streaming)', () => {
    expect(markdownToMrkdwn('text\n```\npartial')).toBe('text\n```\npartial\n```');
  });

  it('renders tables as aligned code blocks', () => {
    const md = '| Name | Qty |\n|------|----:|\n| apple | 3 |\n| **kiwi** | 12 |';
    expect(markdownToMrkdwn(md)).toBe('```\nName  | Qty\n------+----\napple | 3\nkiwi  | 12\n```');
  });

  it('keeps quotes as quotes', () => {
    expect(markdownToMrkdwn('> quoted **x**')).toBe('>quoted *x*');
  });
});

describe('renderSlackMessages', () => {
  it('always sets a text fallback and puts the footer in a context block', () => {
    const [m, ...rest] = renderSlackMessages('Hello **you**', { footer: '120 tokens · $0.001' });
    expect(rest).toHaveLength(0);
    expect(m?.text).toBe('Hello *you*');
    expect(m?.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Hello *you*' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '120 tokens · $0.001' }] },
    ]);
  });

  it('renders an empty answer as something Slack accepts', () => {
    expect(renderSlackMessages('')[0]?.text).not.toBe('');
  });

  it('keeps sections under 3,000 chars and messages under the text limit', () => {
    const para = `${'word '.repeat(150).trim()}.`;
    const md = Array.from({ length: 200 }, (_, i) => `Paragraph ${i}: ${para}`).join('\n\n');
    const messages = renderSlackMessages(md, { footer: 'f' });
    expect(messages.length).toBeGreaterThan(3);
    for (const m of messages) {
      expect(m.text.length).toBeLessThanOrEqual(36_000);
      expect(m.blocks.length).toBeLessThanOrEqual(46);
      for (const b of m.blocks) if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(3000);
    }
    expect(messages.map((m) => m.text).join('\n\n')).toContain('Paragraph 199');
    expect(messages.at(-1)?.blocks.at(-1)?.type).toBe('context');
    expect(messages[0]?.blocks.some((b) => b.type === 'context')).toBe(false);
  });

  it('splits a long code block into balanced code blocks', () => {
    const code = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const sections = splitSections(markdownToMrkdwn(`\`\`\`\n${code}\n\`\`\``), 3000);
    expect(sections.length).toBeGreaterThan(3);
    for (const s of sections) {
      expect(s.length).toBeLessThanOrEqual(3000);
      expect(s.startsWith('```\n')).toBe(true);
      expect(s.endsWith('\n```')).toBe(true);
    }
  });

  it('hard-wraps a single huge line', () => {
    const sections = splitSections('y'.repeat(7000), 3000);
    expect(sections.map((s) => s.length)).toEqual([3000, 3000, 1000]);
  });
});
