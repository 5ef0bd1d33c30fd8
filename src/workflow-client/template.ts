import { ConfigError } from '../errors.js';
import type { TemplateContext } from './types.js';

/**
 * A tiny, safe template language for workflow inputs and HTTP bodies: literal text with `{{ path }}` holes.
 *
 * - A path is one of the fields listed in {@link TEMPLATE_FIELDS} (`message.text`, `sender.id`, `platform`, ...).
 *   Nothing is evaluated: no expressions, no function calls, no prototype walk (`__proto__`, `constructor` are simply
 *   unknown paths).
 * - Unknown paths and unclosed holes are errors found by {@link validateTemplate} / {@link validateMapping}, meant to
 *   run when a binding is saved; rendering an unchecked template throws the same errors.
 * - An absent optional value (sender.name, conversation.threadId) renders as the empty string.
 * - `{{{{` renders a literal `{{`.
 */
export const TEMPLATE_FIELDS = [
  'platform',
  'message.id',
  'message.text',
  'message.receivedAt',
  'sender.id',
  'sender.name',
  'conversation.id',
  'conversation.type',
  'conversation.threadId',
  'bot.id',
  'bot.name',
  'tenant.id',
] as const;

export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

const KNOWN_FIELDS: ReadonlySet<string> = new Set(TEMPLATE_FIELDS);

type Part = { literal: string } | { field: TemplateField };

interface Parsed {
  parts: Part[];
  problems: string[];
}

const cache = new Map<string, Parsed>();

function parse(template: string): Parsed {
  const cached = cache.get(template);
  if (cached) return cached;
  const parts: Part[] = [];
  const problems: string[] = [];
  let i = 0;
  let literal = '';
  while (i < template.length) {
    if (template.startsWith('{{{{', i)) {
      literal += '{{';
      i += 4;
      continue;
    }
    if (!template.startsWith('{{', i)) {
      literal += template[i];
      i++;
      continue;
    }
    const close = template.indexOf('}}', i + 2);
    if (close < 0) {
      problems.push(`"{{" at position ${i} is never closed with "}}"`);
      literal += template.slice(i);
      break;
    }
    const path = template.slice(i + 2, close).trim();
    if (KNOWN_FIELDS.has(path)) {
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ field: path as TemplateField });
    } else {
      problems.push(
        path === ''
          ? `empty placeholder "{{}}" at position ${i}`
          : `unknown placeholder "{{${path}}}"; known: ${TEMPLATE_FIELDS.join(', ')}`,
      );
    }
    i = close + 2;
  }
  if (literal) parts.push({ literal });
  const parsed = { parts, problems };
  if (cache.size < 1_000) cache.set(template, parsed);
  return parsed;
}

/** Problems of one template, as sentences (empty when valid). */
export function validateTemplate(template: string): string[] {
  return parse(template).problems;
}

/** Problems of an input mapping, each naming its input (empty when valid). */
export function validateMapping(mapping: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [input, template] of Object.entries(mapping)) {
    if (typeof template !== 'string') {
      problems.push(`input "${input}": the template must be a string`);
      continue;
    }
    for (const problem of validateTemplate(template)) problems.push(`input "${input}": ${problem}`);
  }
  return problems;
}

function fieldValue(ctx: TemplateContext, field: TemplateField): string {
  switch (field) {
    case 'platform':
      return ctx.platform;
    case 'message.id':
      return ctx.message.id;
    case 'message.text':
      return ctx.message.text;
    case 'message.receivedAt':
      return ctx.message.receivedAt;
    case 'sender.id':
      return ctx.sender.id;
    case 'sender.name':
      return ctx.sender.name ?? '';
    case 'conversation.id':
      return ctx.conversation.id;
    case 'conversation.type':
      return ctx.conversation.type;
    case 'conversation.threadId':
      return ctx.conversation.threadId ?? '';
    case 'bot.id':
      return ctx.bot.id;
    case 'bot.name':
      return ctx.bot.name;
    case 'tenant.id':
      return ctx.tenant.id;
  }
}

/** Renders one template; throws ConfigError when it is invalid. */
export function renderTemplate(template: string, ctx: TemplateContext): string {
  const { parts, problems } = parse(template);
  if (problems.length > 0) throw new ConfigError(`invalid template: ${problems.join('; ')}`, { code: 'template_invalid' });
  let out = '';
  for (const part of parts) out += 'literal' in part ? part.literal : fieldValue(ctx, part.field);
  return out;
}

/** Renders every input of a mapping; throws ConfigError naming the inputs when the mapping is invalid. */
export function renderInputs(mapping: Record<string, string>, ctx: TemplateContext): Record<string, string> {
  const problems = validateMapping(mapping);
  if (problems.length > 0) throw new ConfigError(`invalid input mapping: ${problems.join('; ')}`, { code: 'template_invalid' });
  const out: Record<string, string> = {};
  for (const [input, template] of Object.entries(mapping)) {
    Object.defineProperty(out, input, { value: renderTemplate(template, ctx), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Renders a JSON value whose string leaves are templates (the generic HTTP backend's `bodyTemplate`).
 * Only strings are templated, so a message text can never break out of its JSON string.
 */
export function renderJsonTemplate(value: unknown, ctx: TemplateContext): unknown {
  if (typeof value === 'string') return renderTemplate(value, ctx);
  if (Array.isArray(value)) return value.map((item) => renderJsonTemplate(item, ctx));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, key, { value: renderJsonTemplate(item, ctx), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** Problems of a JSON body template, each with its JSON path. */
export function validateJsonTemplate(value: unknown, path = '$'): string[] {
  if (typeof value === 'string') return validateTemplate(value).map((p) => `${path}: ${p}`);
  if (Array.isArray(value)) return value.flatMap((item, i) => validateJsonTemplate(item, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => validateJsonTemplate(item, `${path}.${key}`));
  }
  return [];
}
