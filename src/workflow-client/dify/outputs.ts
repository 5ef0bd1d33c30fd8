import type { ReplyFile } from '../../core/reply.js';
import { isRecord, readJsonPath } from '../http-body.js';

const ANSWER_KEYS = ['text', 'answer', 'result'] as const;

/**
 * The answer of a workflow run: the output named by `selector` (a name, or a dotted path into an object output),
 * else the single string output, else `text` / `answer` / `result`. Undefined when none applies.
 */
export function pickWorkflowAnswer(outputs: unknown, selector: string | null): string | undefined {
  if (!isRecord(outputs)) return undefined;
  if (selector) {
    const direct = Object.hasOwn(outputs, selector) ? outputs[selector] : readJsonPath(outputs, selector);
    return stringify(direct);
  }
  const strings = Object.values(outputs).filter((v): v is string => typeof v === 'string');
  if (strings.length === 1) return strings[0];
  for (const key of ANSWER_KEYS) {
    if (Object.hasOwn(outputs, key)) {
      const value = stringify(outputs[key]);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

function stringify(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isDifyFile(value)) return undefined;
  return JSON.stringify(value);
}

function isDifyFile(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && (value.dify_model_identity === '__dify__file__' || (typeof value.url === 'string' && ('transfer_method' in value || 'mime_type' in value)));
}

function kindOf(type: unknown, mime: string | undefined): ReplyFile['kind'] {
  const t = typeof type === 'string' ? type : mime?.split('/')[0];
  if (t === 'image' || t === 'audio' || t === 'video') return t;
  return 'file';
}

/** True when `url` is on the same origin as the API (Dify's own signed file links). */
function onApiOrigin(url: string, apiBaseUrl: string): boolean {
  try {
    return new URL(url).origin === new URL(apiBaseUrl).origin;
  } catch {
    return false;
  }
}

/** Resolves Dify's relative file URLs (`/files/...`) against the API's origin. */
export function absoluteUrl(url: string, apiBaseUrl: string): string {
  try {
    return new URL(url, new URL(apiBaseUrl).origin).toString();
  } catch {
    return url;
  }
}

function nameFromUrl(url: string, fallback: string): string {
  try {
    const last = new URL(url, 'http://x').pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : fallback;
  } catch {
    return fallback;
  }
}

/** A Dify file object (workflow output, workflow_finished `files`) → ReplyFile. */
export function replyFileFromDify(file: Record<string, unknown>, apiBaseUrl: string): ReplyFile | undefined {
  const rawUrl = typeof file.url === 'string' ? file.url : typeof file.remote_url === 'string' ? file.remote_url : undefined;
  if (!rawUrl) return undefined;
  const url = absoluteUrl(rawUrl, apiBaseUrl);
  const mime = typeof file.mime_type === 'string' ? file.mime_type : undefined;
  const name =
    typeof file.filename === 'string' ? file.filename : typeof file.name === 'string' ? file.name : nameFromUrl(url, 'file');
  const out: ReplyFile = { name, url, kind: kindOf(file.type, mime), hostedByWorkflow: onApiOrigin(url, apiBaseUrl) };
  if (mime) out.mime = mime;
  return out;
}

/** Every file among a workflow's outputs (single files and arrays of files). */
export function filesFromOutputs(outputs: unknown, apiBaseUrl: string): ReplyFile[] {
  if (!isRecord(outputs)) return [];
  const files: ReplyFile[] = [];
  for (const value of Object.values(outputs)) {
    const candidates = Array.isArray(value) ? value : [value];
    for (const candidate of candidates) {
      if (isDifyFile(candidate)) {
        const file = replyFileFromDify(candidate, apiBaseUrl);
        if (file) files.push(file);
      }
    }
  }
  return files;
}

/** A `message_file` event → ReplyFile. */
export function replyFileFromMessageFile(event: Record<string, unknown>, apiBaseUrl: string): ReplyFile | undefined {
  if (typeof event.url !== 'string') return undefined;
  const url = absoluteUrl(event.url, apiBaseUrl);
  const id = typeof event.id === 'string' ? event.id : 'file';
  return { name: nameFromUrl(url, id), url, kind: kindOf(event.type, undefined), hostedByWorkflow: onApiOrigin(url, apiBaseUrl) };
}

export function addUniqueFiles(target: ReplyFile[], more: ReplyFile[]): void {
  for (const file of more) if (!target.some((f) => f.url === file.url)) target.push(file);
}
