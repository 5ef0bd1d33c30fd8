/**
 * Markdown (as workflows write it) → Slack mrkdwn and Block Kit, pure.
 *
 * Headings become bold lines, lists get bullets, code blocks stay code blocks, tables become aligned code
 * blocks, `[t](u)` becomes `<u|t>`, `**b**` → `*b*`, `*i*` → `_i_`, `~~s~~` → `~s~`, and `&`, `<`, `>` are escaped
 * everywhere Slack needs it. Long answers are split into section blocks (≤ 3,000 chars each) and into several
 * messages; every message carries a `text` fallback.
 */
export interface SectionBlock {
  type: 'section';
  text: { type: 'mrkdwn'; text: string };
}
export interface ContextBlock {
  type: 'context';
  elements: { type: 'mrkdwn'; text: string }[];
}
export type SlackBlock = SectionBlock | ContextBlock;

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export interface RenderLimits {
  /** Slack's limit for a section's text. @defaultValue 3000 */
  sectionChars: number;
  /** Characters of text per message (Slack truncates `text` at 40,000). @defaultValue 36000 */
  messageChars: number;
  /** Blocks per message (Slack allows 50). @defaultValue 45 */
  messageBlocks: number;
}

export const DEFAULT_RENDER_LIMITS: RenderLimits = { sectionChars: 3000, messageChars: 36_000, messageBlocks: 45 };

const EMPTY_ANSWER = '_(empty answer)_';

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Markdown → mrkdwn text (no splitting). */
export function markdownToMrkdwn(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const fence = /^\s*(```+|~~~+)/.exec(line);
    if (fence) {
      const marker = fence[1] ?? '```';
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? '').trim().startsWith(marker)) body.push(lines[i++] ?? '');
      i++; // closing fence (or end of an unfinished, still-streaming block)
      out.push(codeBlock(body.join('\n')));
      continue;
    }
    if (isTableRow(line) && isTableSeparator(lines[i + 1])) {
      const rows: string[][] = [splitRow(line)];
      i += 2;
      while (i < lines.length && isTableRow(lines[i] ?? '')) rows.push(splitRow(lines[i++] ?? ''));
      out.push(codeBlock(formatTable(rows)));
      continue;
    }
    out.push(convertLine(line));
    i++;
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

function convertLine(line: string): string {
  const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading) {
    const text = (heading[1] ?? '').replace(/\*\*|__/g, '');
    return text ? `*${inline(text)}*` : '';
  }
  if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) return '———';
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) {
    const indent = '    '.repeat(Math.floor((bullet[1] ?? '').replace(/\t/g, '    ').length / 2));
    let item = bullet[2] ?? '';
    let mark = '•';
    const task = /^\[([ xX])\]\s+(.*)$/.exec(item);
    if (task) {
      mark = task[1] === ' ' ? '☐' : '☑';
      item = task[2] ?? '';
    }
    return `${indent}${mark} ${inline(item)}`;
  }
  const ordered = /^(\s*)(\d{1,9})[.)]\s+(.*)$/.exec(line);
  if (ordered) {
    const indent = '    '.repeat(Math.floor((ordered[1] ?? '').length / 2));
    return `${indent}${ordered[2]}. ${inline(ordered[3] ?? '')}`;
  }
  const quote = /^\s{0,3}>\s?(.*)$/.exec(line);
  if (quote) return `>${inline(quote[1] ?? '')}`;
  return inline(line);
}

/** Inline markdown → mrkdwn; code spans are kept verbatim (escaped only). */
function inline(text: string): string {
  const parts = text.split(/(`[^`\n]+`)/g);
  return parts.map((part, idx) => (idx % 2 === 1 ? escapeMrkdwn(part) : inlineText(part))).join('');
}

function inlineText(text: string): string {
  const slots: string[] = [];
  const hold = (s: string): string => `\uE000${slots.push(s) - 1}\uE001`;
  let s = text
    .replace(/!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, (_m, alt: string, url: string) => hold(link(url, alt || url)))
    .replace(/\[([^\]]+)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, (_m, label: string, url: string) => hold(link(url, label)))
    .replace(/<((?:https?|mailto):[^>\s]+)>/g, (_m, url: string) => hold(`<${safeUrl(url)}>`));
  s = escapeMrkdwn(s);
  s = s
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '\uE002$1\uE002')
    .replace(/__(?=\S)([\s\S]*?\S)__/g, '\uE002$1\uE002')
    .replace(/(^|[^*\w])\*(?=\S)([^*\n]*?\S)\*(?![*\w])/g, '$1_$2_')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '~$1~')
    .replace(/\uE002/g, '*');
  return s.replace(/\uE000(\d+)\uE001/g, (_m, n: string) => slots[Number(n)] ?? '');
}

function link(url: string, label: string): string {
  const cleanLabel = escapeMrkdwn(label.replace(/\*\*|__|`/g, '').replace(/\|/g, '¦'));
  return `<${safeUrl(url)}|${cleanLabel}>`;
}

function safeUrl(url: string): string {
  return url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
}

function codeBlock(body: string): string {
  return `\`\`\`\n${escapeMrkdwn(body.replace(/```/g, '`\u200b``'))}\n\`\`\``;
}

function isTableRow(line: string | undefined): boolean {
  return line !== undefined && /^\s*\|.*\|\s*$/.test(line);
}

function isTableSeparator(line: string | undefined): boolean {
  return line !== undefined && /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(line);
}

function splitRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|').replace(/\*\*|__|`/g, ''));
}

function formatTable(rows: string[][]): string {
  const cols = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const fmt = (r: string[]): string => widths.map((w, c) => (r[c] ?? '').padEnd(w)).join(' | ').trimEnd();
  const [head, ...body] = rows;
  return [fmt(head ?? []), widths.map((w) => '-'.repeat(Math.max(1, w))).join('-+-'), ...body.map(fmt)].join('\n');
}

/** Splits mrkdwn into sections no longer than `max`, never leaving a code block unbalanced. */
export function splitSections(mrkdwn: string, max: number): string[] {
  const segments = segment(mrkdwn);
  const pieces = segments.flatMap((seg) => (seg.length <= max ? [seg] : splitLong(seg, max)));
  const sections: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current === '') current = piece;
    else if (current.length + 2 + piece.length <= max) current += `\n\n${piece}`;
    else {
      sections.push(current);
      current = piece;
    }
  }
  if (current !== '') sections.push(current);
  return sections;
}

/** Paragraphs and code blocks of mrkdwn (as produced by markdownToMrkdwn: fences on their own lines). */
function segment(mrkdwn: string): string[] {
  const out: string[] = [];
  let buf: string[] = [];
  let inCode = false;
  const flush = (): void => {
    const text = buf.join('\n').trim();
    if (text) out.push(text);
    buf = [];
  };
  for (const line of mrkdwn.split('\n')) {
    if (line.trim() === '```') {
      if (!inCode) flush();
      buf.push(line);
      if (inCode) flush();
      inCode = !inCode;
      continue;
    }
    if (!inCode && line.trim() === '') flush();
    else buf.push(line);
  }
  flush();
  return out;
}

function splitLong(seg: string, max: number): string[] {
  const isCode = seg.startsWith('```\n') && seg.endsWith('\n```');
  const inner = isCode ? seg.slice(4, -4) : seg;
  const room = isCode ? max - 8 : max;
  const chunks: string[] = [];
  let current = '';
  for (const rawLine of inner.split('\n')) {
    for (const line of hardWrap(rawLine, room)) {
      if (current === '') current = line;
      else if (current.length + 1 + line.length <= room) current += `\n${line}`;
      else {
        chunks.push(current);
        current = line;
      }
    }
  }
  if (current !== '') chunks.push(current);
  return isCode ? chunks.map((c) => `\`\`\`\n${c}\n\`\`\``) : chunks;
}

function hardWrap(line: string, max: number): string[] {
  if (line.length <= max) return [line];
  const out: string[] = [];
  let rest = line;
  while (rest.length > max) {
    let cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    // Do not cut an escape (&amp;) or a link (<u|t>) in half when a nearby boundary exists.
    const amp = rest.lastIndexOf('&', cut);
    if (amp > cut - 6 && rest.indexOf(';', amp) >= cut) cut = amp;
    const lt = rest.lastIndexOf('<', cut);
    if (lt > cut - 300 && lt > 0 && rest.indexOf('>', lt) >= cut) cut = lt;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

/**
 * Renders a reply into one or more Slack messages: sections ≤ `sectionChars`, messages ≤ `messageChars` and
 * `messageBlocks`; the footer (usage, cost) goes as a context block on the last message.
 */
export function renderSlackMessages(markdown: string, opts: { footer?: string; limits?: Partial<RenderLimits> } = {}): SlackMessage[] {
  const limits: RenderLimits = { ...DEFAULT_RENDER_LIMITS, ...opts.limits };
  const mrkdwn = markdownToMrkdwn(markdown);
  const sections = mrkdwn ? splitSections(mrkdwn, limits.sectionChars) : [EMPTY_ANSWER];
  const messages: SlackMessage[] = [];
  let blocks: SlackBlock[] = [];
  let texts: string[] = [];
  let size = 0;
  for (const section of sections) {
    if (blocks.length > 0 && (blocks.length + 1 > limits.messageBlocks || size + section.length + 2 > limits.messageChars)) {
      messages.push({ text: texts.join('\n\n'), blocks });
      blocks = [];
      texts = [];
      size = 0;
    }
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: section } });
    texts.push(section);
    size += section.length + 2;
  }
  messages.push({ text: texts.join('\n\n'), blocks });
  const footer = opts.footer?.trim();
  if (footer) {
    const last = messages[messages.length - 1];
    last?.blocks.push(contextBlock(escapeMrkdwn(footer).slice(0, 2000)));
  }
  return messages;
}

export function contextBlock(mrkdwn: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn }] };
}
