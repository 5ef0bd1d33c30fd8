/**
 * Rendering for WeCom: the workflow's markdown → WeCom markdown (its subset) or plain text, split under WeCom's
 * byte limits at safe boundaries: never inside a UTF-8 character (we cut on code points), preferring paragraph,
 * then line, then word boundaries, and never leaving a fenced code block open — a chunk that ends inside a fence
 * closes it, and the next chunk re-opens it with the same fence line. Pure functions.
 */
import {
  closesFence,
  fenceStateAfter,
  mapOutsideCode,
  MAX_FENCE_LINE_BYTES,
  MIN_SPLIT_BYTES,
  openingFence,
  splitMarkdown,
  markdownToPlainText,
  splitPieces as splitPiecesUnder,
  truncateUtf8,
  type Fence,
  type SplitPiece,
} from '../markdown-split.js';
import { fileLink, withFileLinks } from '../reply-files.js';

export { fileLink, withFileLinks };
export { closesFence, fenceStateAfter, MAX_FENCE_LINE_BYTES, MIN_SPLIT_BYTES, openingFence, truncateUtf8, type Fence, type SplitPiece };

/** WeCom's limit for `text` and `markdown` content, in UTF-8 bytes. */
export const WECOM_TEXT_LIMIT_BYTES = 2048;
/** The smart bot's limit for cumulative stream content, in UTF-8 bytes. */
export const WECOM_STREAM_LIMIT_BYTES = 20480;

export type WecomReplyFormat = 'markdown' | 'text';

/**
 * Splits `text` into pieces whose rendered chunk (`reopen + piece + close`) is at most `maxBytes` UTF-8 bytes.
 * `pieces.map(p => p.piece).join('') === text` always holds.
 */
export function splitPieces(text: string, maxBytes: number = WECOM_TEXT_LIMIT_BYTES): SplitPiece[] {
  return splitPiecesUnder(text, maxBytes);
}

/** Chunks ready to send: each ≤ `maxBytes`, fences balanced, whitespace-only chunks dropped. */
export function splitForWecom(text: string, maxBytes: number = WECOM_TEXT_LIMIT_BYTES): string[] {
  return splitMarkdown(text, maxBytes);
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown conversion
// ---------------------------------------------------------------------------------------------------------------

/**
 * Workflow markdown → WeCom markdown. WeCom renders headings, bold, links, inline code, quotes and
 * `<font color>`; images become links, `__bold__` becomes `**bold**`, strikethrough and underscores-italics
 * become plain text, HTML other than `<font>` is escaped to text.
 */
export function toWecomMarkdown(md: string): string {
  return mapOutsideCode(md.replace(/\r\n?/g, '\n'), (s) =>
    s
      .replace(/!\[([^\]\n]*)\]\(([^)\s]+)[^)]*\)/g, (_m, alt: string, url: string) => `[${alt || 'image'}](${url})`)
      .replace(/__([^_\n]+)__/g, '**$1**')
      .replace(/~~([^~\n]+)~~/g, '$1')
      .replace(/<(?!\/?font\b)([^>\n]*)>/g, '&lt;$1&gt;'),
  );
}

/** Workflow markdown → plain text: markers removed, links as "text (url)", code kept verbatim. */
export function toWecomText(md: string): string {
  return markdownToPlainText(md);
}

/** Renders the reply text (+ footer) for the bot's format. */
export function renderWecomText(markdown: string, format: WecomReplyFormat, footer?: string): string {
  const body = format === 'markdown' ? toWecomMarkdown(markdown) : toWecomText(markdown);
  if (!footer) return body;
  return format === 'markdown' ? `${body}\n\n> ${footer.replace(/\n/g, ' ')}` : `${body}\n\n— ${footer}`;
}
