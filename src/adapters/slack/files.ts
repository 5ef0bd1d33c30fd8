import { isUploadable, linkedFileWarning, readCapped, replyFileBytes } from '../reply-files.js';
import type { DeliveryProgress, FilePayload, ReplyFile } from '../types.js';
import { SlackApiError, SlackFileError } from './errors.js';
import type { SlackApi } from './web-api.js';

/**
 * Files in both directions.
 * - In: `url_private_download` fetched with the bot token, only from Slack's file hosts (or the configured API
 *   host, for tests and proxies), capped in size while streaming.
 * - Out: files API v2 — files.getUploadURLExternal, upload the bytes, files.completeUploadExternal into the thread.
 *   Files at URLs off the workflow's host are posted as links, not fetched (see reply-files.ts), and so are files
 *   that cannot be fetched or uploaded.
 */
export interface DownloadOptions {
  url: string;
  token: string;
  maxBytes: number;
  /** Host names the token may be sent to. */
  allowedHosts: readonly string[];
  fetchFn?: typeof fetch;
  timeoutMs?: number;
}

export function slackFileHosts(slackApiUrl: string): string[] {
  return ['files.slack.com', 'slack.com', 'files.slack-gov.com', new URL(slackApiUrl).host];
}

export async function downloadSlackFile(opts: DownloadOptions): Promise<FilePayload & { size: number }> {
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch (err) {
    throw new SlackFileError('slack_file_bad_url', 'The file reference is not a URL', { retryable: false, cause: err });
  }
  const hostOk = opts.allowedHosts.includes(url.host) || opts.allowedHosts.includes(url.hostname);
  if (!hostOk || (url.protocol !== 'https:' && !(url.protocol === 'http:' && opts.allowedHosts.includes(url.host)))) {
    throw new SlackFileError('slack_file_foreign_host', `Refusing to send the bot token to ${url.host}`, { retryable: false });
  }
  const res = await (opts.fetchFn ?? fetch)(url, {
    headers: { Authorization: `Bearer ${opts.token}` },
    redirect: 'follow',
    signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
  }).catch((err: unknown) => {
    throw new SlackFileError('slack_file_network_error', 'Could not download the Slack file', { retryable: true, cause: err });
  });
  if (!res.ok) {
    await res.body?.cancel();
    const retryable = res.status >= 500 || res.status === 429;
    throw new SlackFileError(`slack_file_http_${res.status}`, `Slack file download answered HTTP ${res.status}`, { retryable });
  }
  const mime = (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]?.trim() ?? 'application/octet-stream';
  if (mime === 'text/html') {
    // Slack answers its login page (200, HTML) when the token cannot read the file.
    await res.body?.cancel();
    throw new SlackFileError('slack_file_forbidden', 'Slack refused the file: add the files:read scope and reinstall the app', {
      retryable: false,
    });
  }
  const data = await readCapped(res, opts.maxBytes, () => tooLarge(opts.maxBytes));
  const name = decodeURIComponent(url.pathname.split('/').pop() || 'file');
  return { name, mime, data, size: data.length };
}

function tooLarge(maxBytes: number): SlackFileError {
  return new SlackFileError('slack_file_too_large', `The file is larger than the ${Math.round(maxBytes / 1024 / 1024)} MB limit`, {
    retryable: false,
  });
}

export interface UploadWhere {
  channel: string;
  threadTs?: string;
}

export interface ReplyFileOptions {
  maxBytes: number;
  fetchFn?: typeof fetch;
  /** Fetching one file from the workflow's host, headers and body. @defaultValue 60000 */
  timeoutMs?: number;
}

/**
 * Puts the workflow's files into the conversation: uploaded (files API v2, shared by one completeUploadExternal)
 * when they carry bytes or live on the workflow's host, else posted as links. A file that cannot be fetched or
 * uploaded is linked too, with a warning in the progress. Each file is one part of the delivery's progress
 * (`file:<index>`), recorded once shared or linked: a retried delivery skips it.
 */
export async function uploadReplyFiles(
  api: SlackApi,
  where: UploadWhere,
  files: readonly ReplyFile[],
  opts: ReplyFileOptions,
  progress: DeliveryProgress,
): Promise<void> {
  const uploaded: { part: string; id: string; title: string }[] = [];
  const linked: { part: string; file: ReplyFile; warning?: string }[] = [];
  for (const [index, file] of files.entries()) {
    const part = `file:${index}`;
    if (progress.get(part)) continue;
    if (!isUploadable(file)) {
      if (file.url) linked.push({ part, file });
      continue;
    }
    try {
      uploaded.push({ part, id: await uploadFile(api, file, opts), title: file.name });
    } catch (err) {
      // Retrying would post the answer's text again or keep the customer waiting: say where the file is instead.
      if (!file.url) throw err;
      linked.push({ part, file, warning: linkedFileWarning(file, err) });
    }
  }
  if (uploaded.length > 0) {
    await api.call('files.completeUploadExternal', {
      files: uploaded.map(({ id, title }) => ({ id, title })),
      channel_id: where.channel,
      ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
    });
    for (const { part, id } of uploaded) await progress.record(part, { ids: [id] });
  }
  if (linked.length > 0) {
    const res = await api.call<{ ok: boolean; ts?: string }>('chat.postMessage', {
      channel: where.channel,
      ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
      text: linked.map(({ file }) => `<${file.url}|${slackLinkText(file.name || 'file')}>`).join('\n'),
      unfurl_links: false,
    });
    for (const { part, warning } of linked) await progress.record(part, { ids: res.ts ? [res.ts] : [], ...(warning ? { warning } : {}) });
  }
}

/** Fetches one file and uploads its bytes (not yet shared); answers the Slack file id. */
async function uploadFile(api: SlackApi, file: ReplyFile, opts: ReplyFileOptions): Promise<string> {
  const data = await replyFileBytes(file, opts);
  const ticket = await api.call<{ ok: boolean; upload_url?: string; file_id?: string }>('files.getUploadURLExternal', {
    filename: file.name,
    length: data.length,
  });
  if (!ticket.upload_url || !ticket.file_id) {
    throw new SlackApiError('slack_upload_no_url', 'files.getUploadURLExternal returned no upload URL', {
      method: 'files.getUploadURLExternal',
      retryable: true,
    });
  }
  const res = await (opts.fetchFn ?? fetch)(ticket.upload_url, {
    method: 'POST',
    headers: { 'content-type': file.mime ?? 'application/octet-stream' },
    body: new Uint8Array(data),
    signal: AbortSignal.timeout(120_000),
  }).catch((err: unknown) => {
    throw new SlackApiError('slack_upload_network_error', 'Uploading the file to Slack failed', { method: 'upload', retryable: true, cause: err });
  });
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) {
    throw new SlackApiError(`slack_upload_http_${res.status}`, `Uploading the file to Slack answered HTTP ${res.status}`, {
      method: 'upload',
      retryable: res.status >= 500 || res.status === 429,
    });
  }
  return ticket.file_id;
}

/** Link text in Slack's `<url|text>` syntax: the characters that would end it are escaped. */
function slackLinkText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '¦');
}
