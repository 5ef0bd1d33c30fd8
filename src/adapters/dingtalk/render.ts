/**
 * Rendering for DingTalk: the workflow's markdown → DingTalk's markdown subset (headings, bold, italics, links,
 * images, lists, quotes; code fences kept as code) or plain text, split under the robot APIs' size limit at safe
 * boundaries (the shared splitter: code points, paragraphs, balanced fences). Pure functions.
 */
import { mapOutsideCode, markdownToPlainText, splitMarkdown, splitPieces, truncateUtf8 } from '../markdown-split.js';
import { isUploadable, withFileLinks } from '../reply-files.js';
import type { Reply, ReplyFile } from '../types.js';

/**
 * Bytes of text per message. The robot APIs take `msgParam` ≤ 15,000 bytes as a JSON string; 6,000 bytes of text
 * leave room for the JSON escaping of quotes and newlines.
 */
export const DINGTALK_TEXT_LIMIT_BYTES = 6000;
/** What an AI card shows before the rest of a long answer follows as messages (protocols.md: a card ≤ ~3 KB). */
export const DINGTALK_CARD_LIMIT_BYTES = 3000;

export type DingtalkReplyFormat = 'markdown' | 'text';

/**
 * Workflow markdown → DingTalk markdown. DingTalk renders headings, bold, italics, links, images, ordered and
 * unordered lists and quotes; `__bold__` becomes `**bold**`, strikethrough becomes plain text, raw HTML is escaped
 * so it shows as written. Fenced and inline code stay verbatim.
 */
export function toDingtalkMarkdown(md: string): string {
  return mapOutsideCode(md.replace(/\r\n?/g, '\n'), (s) =>
    s
      .replace(/__([^_\n]+)__/g, '**$1**')
      .replace(/~~([^~\n]+)~~/g, '$1')
      .replace(/<([^>\n]*)>/g, '&lt;$1&gt;'),
  );
}

/** Renders the reply text (+ footer) for the bot's format. */
export function renderDingtalkText(markdown: string, format: DingtalkReplyFormat, footer?: string): string {
  const body = format === 'markdown' ? toDingtalkMarkdown(markdown) : markdownToPlainText(markdown);
  if (!footer) return body;
  return format === 'markdown' ? `${body}\n\n> ${footer.replace(/\n/g, ' ')}` : `${body}\n\n— ${footer}`;
}

/** Chunks ready to send, each ≤ `maxBytes`, fences balanced. */
export function splitForDingtalk(text: string, maxBytes: number = DINGTALK_TEXT_LIMIT_BYTES): string[] {
  return splitMarkdown(text, maxBytes);
}

/**
 * The card's share of a long answer and the rest: the card shows the first chunk (≤ `maxBytes`), the rest follows
 * as markdown messages.
 */
export function splitForCard(markdown: string, maxBytes: number = DINGTALK_CARD_LIMIT_BYTES): { card: string; rest: string } {
  const pieces = splitPieces(markdown, maxBytes);
  const [first, second] = pieces;
  if (!first) return { card: '', rest: '' };
  const card = first.reopen + first.piece + first.close;
  if (!second) return { card, rest: '' };
  return { card, rest: second.reopen + markdown.slice(first.piece.length) };
}

/** The notification title DingTalk shows for a markdown message: the first line, without markers, ≤ 40 characters. */
export function markdownTitle(markdown: string): string {
  const line = markdownToPlainText(markdown)
    .split('\n')
    .map((l) => l.replace(/^[•>\s]+/, '').trim())
    .find((l) => l.length > 0);
  if (!line) return 'Reply';
  return [...line].length > 40 ? `${[...line].slice(0, 39).join('')}…` : line;
}

/** The answer text (with links to files that are only linked) and the files to upload. */
export function replyParts(reply: Reply, format: DingtalkReplyFormat): { text: string; uploads: ReplyFile[] } {
  const files = reply.files ?? [];
  return {
    text: renderDingtalkText(withFileLinks(reply.text, files.filter((f) => !isUploadable(f))), format, reply.footer),
    uploads: files.filter(isUploadable),
  };
}

export { truncateUtf8 };
