/**
 * Splitting markdown under a platform's byte limit at safe boundaries, shared by the WeCom and DingTalk renderers:
 * never inside a UTF-8 character (we cut on code points), preferring paragraph, then line, then word boundaries, and
 * never leaving a fenced code block open — a chunk that ends inside a fence closes it, and the next chunk re-opens it
 * with the same fence line. Pure functions.
 */

export const utf8Len = (s: string) => Buffer.byteLength(s, 'utf8');

const FENCE_RE = /^ {0,3}(`{3,}|~{3,})([^\n]*)$/;
/**
 * Fence lines longer than this (UTF-8 bytes) are treated as text, so a re-opened fence always fits in a chunk.
 * Real info strings ("```typescript") are far shorter.
 */
export const MAX_FENCE_LINE_BYTES = 64;
/** Smallest chunk size the splitter supports (room for a re-opened fence, a character and a close). */
export const MIN_SPLIT_BYTES = 256;

export interface Fence {
  /** The opening line as written, e.g. "```ts". */
  line: string;
  char: '`' | '~';
  length: number;
}

/** Opening fence of a line, if it is one (CommonMark rules: ≥ 3 chars, backtick info strings have no backtick). */
export function openingFence(line: string): Fence | undefined {
  if (line.length > MAX_FENCE_LINE_BYTES || utf8Len(line) > MAX_FENCE_LINE_BYTES) return undefined;
  const m = FENCE_RE.exec(line);
  if (!m) return undefined;
  const marker = m[1]!;
  const char = marker[0] as '`' | '~';
  if (char === '`' && m[2]!.includes('`')) return undefined;
  return { line, char, length: marker.length };
}

export function closesFence(line: string, fence: Fence): boolean {
  const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return !!m && m[1]![0] === fence.char && m[1]!.length >= fence.length;
}

/** The fence open at the end of `text`, given the one open at its start. */
export function fenceStateAfter(text: string, open: Fence | undefined): Fence | undefined {
  let fence = open;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    const complete = end !== -1;
    if (!complete) end = text.length;
    const line = text.slice(start, end);
    // A fence only counts once its line is complete (or the text ends there).
    if (complete || end === text.length) {
      if (fence) {
        if (closesFence(line, fence)) fence = undefined;
      } else {
        fence = openingFence(line);
      }
    }
    if (!complete) break;
    start = end + 1;
  }
  return fence;
}

export interface SplitPiece {
  /** Synthetic fence re-opened at the start of this chunk ("```ts\n"), or ''. */
  reopen: string;
  /** Exact slice of the input: the pieces concatenate back to the input. */
  piece: string;
  /** Synthetic fence close at the end of this chunk ("\n```"), or ''. */
  close: string;
}


/** Largest index ≤ `from`-ish such that text.slice(start, idx) fits in `budget` bytes, on a code point boundary. */
function fitEnd(text: string, start: number, budget: number): number {
  let bytes = 0;
  let i = start;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > budget) break;
    bytes += size;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

/** Best break in (start, hardEnd]: paragraph > line > whitespace > hard; keeps at least a third of the window. */
function chooseBreak(text: string, start: number, hardEnd: number): number {
  if (hardEnd >= text.length) return text.length;
  const window = text.slice(start, hardEnd);
  const minKeep = Math.floor(window.length / 3);
  const para = window.lastIndexOf('\n\n');
  if (para >= minKeep) return start + para + 2;
  const line = window.lastIndexOf('\n');
  if (line >= minKeep) return start + line + 1;
  const space = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\t'));
  if (space >= minKeep) return start + space + 1;
  let end = hardEnd;
  // Do not split a surrogate pair (fitEnd already respects them; keep it explicit for the window edge).
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return end > start ? end : hardEnd;
}

/**
 * Splits `text` into pieces whose rendered chunk (`reopen + piece + close`) is at most `maxBytes` UTF-8 bytes.
 * `pieces.map(p => p.piece).join('') === text` always holds.
 */
export function splitPieces(text: string, maxBytes: number): SplitPiece[] {
  if (maxBytes < MIN_SPLIT_BYTES) throw new RangeError(`maxBytes must be at least ${MIN_SPLIT_BYTES}`);
  const out: SplitPiece[] = [];
  let start = 0;
  let open: Fence | undefined;
  while (start < text.length) {
    const reopen = open ? `${open.line}\n` : '';
    let budget = maxBytes - utf8Len(reopen);
    let end: number;
    let close: string;
    for (;;) {
      const hardEnd = fitEnd(text, start, budget);
      end = chooseBreak(text, start, hardEnd);
      if (end <= start) end = start + ((text.codePointAt(start) ?? 0) > 0xffff ? 2 : 1);
      const after = fenceStateAfter(text.slice(start, end), open);
      close = after ? `${text[end - 1] === '\n' || end === start ? '' : '\n'}${fenceMarker(after)}` : '';
      if (utf8Len(reopen) + utf8Len(text.slice(start, end)) + utf8Len(close) <= maxBytes || budget <= 1) {
        open = after;
        break;
      }
      budget = Math.max(1, budget - Math.max(1, utf8Len(close)));
    }
    out.push({ reopen, piece: text.slice(start, end), close });
    start = end;
  }
  return out;
}

function fenceMarker(f: Fence): string {
  return f.char.repeat(f.length);
}

/** Chunks ready to send: each ≤ `maxBytes`, fences balanced, whitespace-only chunks dropped. */
export function splitMarkdown(text: string, maxBytes: number): string[] {
  return splitPieces(text, maxBytes)
    .map((p) => p.reopen + p.piece + p.close)
    .filter((c) => c.trim().length > 0);
}

/** Cuts to at most `maxBytes` on a code point boundary, adding `ellipsis` when something was cut. */
export function truncateUtf8(text: string, maxBytes: number, ellipsis = '…'): string {
  if (utf8Len(text) <= maxBytes) return text;
  const budget = Math.max(0, maxBytes - utf8Len(ellipsis));
  return text.slice(0, fitEnd(text, 0, budget)) + ellipsis;
}

/** Applies `fn` to the text outside fenced code blocks and inline code spans. */
export function mapOutsideCode(md: string, fn: (s: string) => string, keepFences = true): string {
  const lines = md.split('\n');
  const out: string[] = [];
  let fence: Fence | undefined;
  for (const line of lines) {
    if (fence) {
      if (closesFence(line, fence)) {
        fence = undefined;
        if (keepFences) out.push(line);
      } else out.push(line);
      continue;
    }
    const opening = openingFence(line);
    if (opening) {
      fence = opening;
      if (keepFences) out.push(line);
      continue;
    }
    // Inline code spans stay verbatim.
    out.push(line.split(/(`[^`\n]+`)/).map((part, i) => (i % 2 === 1 ? (keepFences ? part : part.slice(1, -1)) : fn(part))).join(''));
  }
  return out.join('\n');
}

/** Workflow markdown → plain text: markers removed, links as "text (url)", code kept verbatim. */
export function markdownToPlainText(md: string): string {
  const text = mapOutsideCode(
    md.replace(/\r\n?/g, '\n'),
    (s) =>
      s
        .replace(/!\[([^\]\n]*)\]\(([^)\s]+)[^)]*\)/g, (_m, alt: string, url: string) => `${alt || 'image'} (${url})`)
        .replace(/\[([^\]\n]+)\]\(([^)\s]+)[^)]*\)/g, (_m, label: string, url: string) => (label === url ? url : `${label} (${url})`))
        .replace(/^ {0,3}#{1,6}\s+/, '')
        .replace(/^(\s*)[-*+]\s+/, '$1• ')
        .replace(/\*\*([^*\n]+)\*\*/g, '$1')
        .replace(/__([^_\n]+)__/g, '$1')
        .replace(/(^|[^*\w])\*([^*\n]+)\*(?!\*)/g, '$1$2')
        .replace(/~~([^~\n]+)~~/g, '$1')
        .replace(/<\/?font[^>]*>/g, ''),
    false,
  );
  return text;
}
