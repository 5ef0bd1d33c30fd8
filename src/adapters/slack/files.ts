import type { FilePayload, ReplyFile } from '../types.js';
import { SlackApiError, SlackFileError } from './errors.js';
import type { SlackApi } from './web-api.js';

/**
 * Files in both directions.
 * - In: `url_private_download` fetched with the bot token, only from Slack's file hosts (or the configured API
 *   host, for tests and proxies), capped in size while streaming.
 * - Out: files API v2 — files.getUploadURLExternal, upload the bytes, files.completeUploadExternal into the thread.
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
  const data = await readCapped(res, opts.maxBytes);
  const name = decodeURIComponent(url.pathname.split('/').pop() || 'file');
  return { name, mime, data, size: data.length };
}

async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    throw tooLarge(maxBytes);
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
      throw tooLarge(maxBytes);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks, total);
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

/** Uploads the workflow's files into the conversation; returns Slack file ids. */
export async function uploadReplyFiles(
  api: SlackApi,
  where: UploadWhere,
  files: readonly ReplyFile[],
  opts: { maxBytes: number; fetchFn?: typeof fetch },
): Promise<string[]> {
  if (files.length === 0) return [];
  const uploaded: { id: string; title: string }[] = [];
  for (const file of files) {
    const data = file.data ?? (await fetchReplyFile(file, opts));
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
    uploaded.push({ id: ticket.file_id, title: file.name });
  }
  await api.call('files.completeUploadExternal', {
    files: uploaded,
    channel_id: where.channel,
    ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
  });
  return uploaded.map((u) => u.id);
}

async function fetchReplyFile(file: ReplyFile, opts: { maxBytes: number; fetchFn?: typeof fetch }): Promise<Buffer> {
  if (!file.url || !/^https?:\/\//.test(file.url)) {
    throw new SlackFileError('slack_reply_file_missing', `Reply file ${file.name} has neither data nor an http(s) URL`, { retryable: false });
  }
  const res = await (opts.fetchFn ?? fetch)(file.url, { signal: AbortSignal.timeout(60_000) }).catch((err: unknown) => {
    throw new SlackFileError('slack_reply_file_network_error', `Could not fetch reply file ${file.name}`, { retryable: true, cause: err });
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new SlackFileError(`slack_reply_file_http_${res.status}`, `Fetching reply file ${file.name} answered HTTP ${res.status}`, {
      retryable: res.status >= 500,
    });
  }
  return readCapped(res, opts.maxBytes);
}
