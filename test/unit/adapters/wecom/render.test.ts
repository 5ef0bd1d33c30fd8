import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  renderWecomText,
  splitForWecom,
  splitPieces,
  toWecomMarkdown,
  toWecomText,
  truncateUtf8,
  WECOM_TEXT_LIMIT_BYTES,
} from '../../../../src/adapters/wecom/render.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * Independent fence tracker (CommonMark rules, as WeCom-style renderers apply them): opening = up to 3 spaces,
 * ≥ 3 backticks or tildes, backtick info strings without backticks, line ≤ 64 bytes (the splitter's documented
 * limit); closing = same char, at least as long, nothing but spaces after.
 */
function endsInsideFence(chunk: string): boolean {
  let open: { ch: string; len: number } | undefined;
  for (const line of chunk.split('\n')) {
    if (open) {
      const m = /^ {0,3}(`+|~+)[ \t]*$/.exec(line);
      if (m && m[1]![0] === open.ch && m[1]!.length >= open.len && m[1]!.length >= 3) open = undefined;
    } else {
      const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
      if (m && bytes(line) <= 64 && !(m[1]![0] === '`' && m[2]!.includes('`'))) open = { ch: m[1]![0]!, len: m[1]!.length };
    }
  }
  return open !== undefined;
}

const isValidUtf8 = (s: string) => Buffer.from(Buffer.from(s, 'utf8').toString('utf8'), 'utf8').equals(Buffer.from(s, 'utf8')) && !/[\ud800-\udfff]/u.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''));

/** Markdown-ish documents: prose in several scripts, emoji, long lines, fenced code of all sizes. */
const word = fc.constantFrom('hello', '你好', '世界', '😀', '👩‍💻', 'é', 'naïve', '🇨🇳', 'x'.repeat(50), '`code`', '**bold**', '~', '`');
const line = fc.array(word, { maxLength: 40 }).map((ws) => ws.join(' '));
const longLine = fc.integer({ min: 100, max: 3000 }).chain((n) => fc.constantFrom('a', '汉', '😀', 'ab ').map((c) => c.repeat(n)));
const fence = fc.record({
  marker: fc.constantFrom('```', '~~~', '````', '```ts', '~~~~ python', '```json'),
  body: fc.array(fc.oneof(line, longLine), { maxLength: 80 }),
  closed: fc.boolean(),
});
const block = fc.oneof(
  line,
  longLine,
  fence.map((f) => `${f.marker}\n${f.body.join('\n')}${f.closed ? `\n${f.marker.replace(/[^`~]/g, '')}` : ''}`),
  fc.constant(''),
);
const doc = fc.array(block, { maxLength: 30 }).map((bs) => bs.join('\n'));

describe('splitting for WeCom (properties)', () => {
  for (const max of [2048, 300]) {
    it(`every chunk ≤ ${max} bytes, valid UTF-8, fences balanced, pieces concatenate to the input`, () => {
      fc.assert(
        fc.property(doc, (text) => {
          const pieces = splitPieces(text, max);
          expect(pieces.map((p) => p.piece).join('')).toBe(text);
          for (const p of pieces) {
            const chunk = p.reopen + p.piece + p.close;
            expect(bytes(chunk)).toBeLessThanOrEqual(max);
            expect(isValidUtf8(chunk)).toBe(true);
            expect(endsInsideFence(chunk)).toBe(false);
            expect(p.piece.length).toBeGreaterThan(0);
          }
          for (const chunk of splitForWecom(text, max)) {
            expect(bytes(chunk)).toBeLessThanOrEqual(max);
            expect(chunk.trim().length).toBeGreaterThan(0);
          }
        }),
        { numRuns: max === 300 ? 400 : 200 },
      );
    });
  }

  it('never splits a surrogate pair, even with nothing but 4-byte characters', () => {
    const text = '😀'.repeat(3000);
    const chunks = splitForWecom(text);
    expect(chunks.join('')).toBe(text);
    for (const c of chunks) {
      expect(bytes(c)).toBeLessThanOrEqual(WECOM_TEXT_LIMIT_BYTES);
      expect(c.length % 2).toBe(0);
    }
  });

  it('prefers paragraph boundaries over line and word boundaries', () => {
    const para = 'word '.repeat(300).trim();
    const text = `${para}\n\n${para}\n\n${para}`;
    const pieces = splitPieces(text);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces.slice(0, -1)) expect(p.piece.endsWith('\n\n')).toBe(true);
  });

  it('re-opens a split code block with its info string', () => {
    const code = '```python\n' + Array.from({ length: 300 }, (_, i) => `print(${i})`).join('\n') + '\n```';
    const chunks = splitForWecom(`intro\n\n${code}\n\noutro`);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks.slice(1, -1)) expect(c.startsWith('```python\n')).toBe(true);
    for (const c of chunks) expect(endsInsideFence(c)).toBe(false);
  });

  it('short text is one chunk, unchanged; whitespace-only input yields nothing', () => {
    expect(splitForWecom('hi')).toEqual(['hi']);
    expect(splitForWecom('  \n\n ')).toEqual([]);
  });
});

describe('markdown conversion', () => {
  it('keeps what WeCom markdown renders and rewrites what it does not', () => {
    expect(toWecomMarkdown('# T\n**b** [l](https://x) `c` > q')).toBe('# T\n**b** [l](https://x) `c` > q');
    expect(toWecomMarkdown('![chart](https://x/c.png)')).toBe('[chart](https://x/c.png)');
    expect(toWecomMarkdown('__b__ ~~gone~~')).toBe('**b** gone');
    expect(toWecomMarkdown('<script>x</script> <font color="info">ok</font>')).toBe('&lt;script&gt;x&lt;/script&gt; <font color="info">ok</font>');
    // Code is verbatim, inside fences and inline.
    expect(toWecomMarkdown('```\n<b>__x__</b>\n```\n`<i>`')).toBe('```\n<b>__x__</b>\n```\n`<i>`');
  });

  it('plain text drops markers, keeps link targets and code content', () => {
    expect(toWecomText('## Heading\n- **a** and *b*\n[docs](https://d)')).toBe('Heading\n• a and b\ndocs (https://d)');
    expect(toWecomText('```js\nconst a = b * c * d;\n```')).toBe('const a = b * c * d;');
  });

  it('appends the footer per format', () => {
    expect(renderWecomText('hi', 'markdown', 'tokens: 10')).toBe('hi\n\n> tokens: 10');
    expect(renderWecomText('hi', 'text', 'tokens: 10')).toBe('hi\n\n— tokens: 10');
  });

  it('truncates on a character boundary', () => {
    const t = truncateUtf8('汉'.repeat(100), 31);
    expect(bytes(t)).toBeLessThanOrEqual(31);
    expect(t.endsWith('…')).toBe(true);
    expect(truncateUtf8('short', 31)).toBe('short');
  });
});
