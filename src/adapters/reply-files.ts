/**
 * The bytes of a workflow's reply files, for senders that upload them to a platform.
 *
 * Only files that carry their bytes, or whose URL is on the workflow service's own host, are fetched. Any other URL
 * is only linked: fetching it would let a workflow output (ultimately, what a user typed) make this server request
 * an arbitrary address, internal ones included, and post what came back into the chat. Those fetches go through the
 * egress policy too (scheme and address checked, the address at connect time).
 */
import { egressDenialIn, egressFetch } from '../egress/index.js';
import { AppError, type RetryHint } from '../errors.js';
import type { ReplyFile } from './types.js';

export class ReplyFileError extends AppError implements RetryHint {
  readonly retryable: boolean;
  constructor(code: string, message: string, opts: { retryable: boolean; cause?: unknown }) {
    super(code, message, { status: 502, expose: true, cause: opts.cause });
    this.retryable = opts.retryable;
  }
}

/** True when a sender may upload the file: it has bytes, or a URL on the workflow service's host. */
export function isUploadable(file: ReplyFile): boolean {
  return file.data !== undefined || (file.hostedByWorkflow === true && typeof file.url === 'string' && /^https?:\/\//.test(file.url));
}

/** Reads a response body, failing as soon as it passes `maxBytes` (declared or counted). */
export async function readCapped(res: Response, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks, total);
}

export interface ReplyFileFetchOptions {
  maxBytes: number;
  /** @defaultValue egressFetch (the process's egress policy) */
  fetchFn?: typeof fetch;
  /** @defaultValue 60000 */
  timeoutMs?: number;
}

/** The file's bytes: its own, or fetched from its URL when `isUploadable` allows it. */
export async function replyFileBytes(file: ReplyFile, opts: ReplyFileFetchOptions): Promise<Buffer> {
  if (file.data) {
    if (file.data.length > opts.maxBytes) throw tooLargeError(file, opts.maxBytes);
    return file.data;
  }
  if (!isUploadable(file)) {
    throw new ReplyFileError('reply_file_not_fetchable', `Reply file ${file.name} has no bytes and no URL on the workflow's host`, { retryable: false });
  }
  const timeoutMs = opts.timeoutMs ?? 60_000;
  // One deadline for the headers and the whole body: a host that stalls mid-body fails like one that never answers.
  const signal = AbortSignal.timeout(timeoutMs);
  const res = await (opts.fetchFn ?? egressFetch)(file.url!, { redirect: 'manual', signal }).catch((err: unknown) => {
    throw transferError(file, 'fetch', timeoutMs, err, signal);
  });
  // A redirect is not followed, not even within the origin (it could lead to another path of the workflow's host):
  // it fails like any other non-2xx answer.
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new ReplyFileError(`reply_file_http_${res.status}`, `Fetching reply file ${file.name} answered HTTP ${res.status}`, {
      retryable: res.status >= 500 || res.status === 429,
    });
  }
  try {
    return await readCapped(res, opts.maxBytes, () => tooLargeError(file, opts.maxBytes));
  } catch (err) {
    if (err instanceof ReplyFileError) throw err;
    throw transferError(file, 'read', timeoutMs, err, signal);
  }
}

/** The sentence kept on the message when a file went out as a link instead of being uploaded. */
export function linkedFileWarning(file: ReplyFile, err: unknown): string {
  const code = err instanceof AppError ? err.code : 'internal_error';
  return `file ${file.name} could not be uploaded (${code}); sent as a link`;
}

function transferError(file: ReplyFile, step: 'fetch' | 'read', timeoutMs: number, err: unknown, signal: AbortSignal): ReplyFileError {
  const denied = egressDenialIn(err);
  if (denied) return new ReplyFileError(denied.code, `Reply file ${file.name}: ${denied.message}`, { retryable: false, cause: denied });
  // The deadline's signal says it fired, whatever error the transfer surfaced (fetch and node http differ).
  const timedOut = signal.aborted || (err instanceof Error && (err.name === 'TimeoutError' || (err.cause instanceof Error && err.cause.name === 'TimeoutError')));
  if (timedOut) {
    return new ReplyFileError('reply_file_timeout', `Reply file ${file.name} did not arrive within ${timeoutMs} ms`, { retryable: true, cause: err });
  }
  const what = step === 'fetch' ? 'Could not fetch' : 'The connection broke while reading';
  return new ReplyFileError('reply_file_network_error', `${what} reply file ${file.name}`, { retryable: true, cause: err });
}

function tooLargeError(file: ReplyFile, maxBytes: number): ReplyFileError {
  return new ReplyFileError('reply_file_too_large', `Reply file ${file.name} is larger than the ${Math.round(maxBytes / 1024 / 1024)} MB limit`, {
    retryable: false,
  });
}

/** The text followed by markdown links to `files` that have a URL (renderers turn them into text as needed). */
export function withFileLinks(text: string, files: readonly ReplyFile[]): string {
  const links = files.filter((f) => f.url).map(fileLink);
  return links.length ? `${text}\n\n${links.join('\n')}` : text;
}

export const fileLink = (f: ReplyFile): string => `[${f.name || 'file'}](${f.url})`;
