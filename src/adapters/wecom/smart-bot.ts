/**
 * The smart bot's (智能机器人) answer channels.
 *
 * Stream protocol: the message callback is answered with an encrypted `{"msgtype":"stream","stream":{"id",
 * "finish":false,"content":""}}`; WeCom then sends refresh callbacks (`msgtype: stream`, `stream.id`) for up to
 * 6 minutes from the user's send, and each is answered with the cumulative content so far (markdown,
 * ≤ 20480 bytes), `finish: true` once done. The worker (which may be another process) writes the state to the
 * KeyValueStore; the web process answering refreshes reads it.
 *
 * Deadline: near the end of WeCom's polling window a refresh closes the stream with what exists plus a notice,
 * and the worker then delivers the full answer once through `response_url`. Which of the two ends the stream is
 * decided by one `setIfAbsent` on an end marker, so the answer is shown exactly once either way.
 *
 * `finish: true` is final for WeCom (it stops polling), so only the answer or the fallback ends a stream: a failed
 * attempt that another follows writes a "retrying" note as unfinished content. A refresh for a stream that was
 * never opened here (or whose state is gone) ends it at once and hands any late answer to response_url.
 */
import { createHash, randomInt } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import type { WecomCrypto } from '../../crypto/wecom-crypto.js';
import type { Logger } from '../../observability/logger.js';
import type { KeyValueStore } from '../../store/kv.js';
import { DeliveryLog } from '../delivery-progress.js';
import { isUploadable, linkedFileWarning, replyFileBytes } from '../reply-files.js';
import type { DeliveryProgress, Reply, ReplyFile, ReplyStream, SentRef } from '../types.js';
import { transportError, translateWecomErrcode } from './errors.js';
import type { SmartBotReplyTarget } from './normalize.js';
import { renderWecomText, truncateUtf8, withFileLinks, WECOM_STREAM_LIMIT_BYTES, type WecomReplyFormat } from './render.js';

/** WeCom polls for this long after the user's send. */
export const STREAM_POLL_WINDOW_MS = 360_000;
/** A refresh after this long (from the first refresh) closes the stream and hands over to response_url. */
export const STREAM_CLOSE_AFTER_MS = 330_000;
/** State lives as long as response_url is usable. */
const STATE_TTL_MS = 3_600_000;
/** Minimum spacing of intermediate writes while streaming. @defaultValue 300 */
const DEFAULT_PUSH_INTERVAL_MS = 300;
const MAX_STREAM_IMAGES = 10;
const MAX_STREAM_IMAGE_BYTES = 2 * 1024 * 1024;
const STREAM_IMAGE_TIMEOUT_MS = 10_000;

export const STREAM_HANDOVER_NOTICE = '\n\n> ⏳ 回答较长，完整内容将另行发送 (the full answer follows in a separate message)';

export interface StreamImage {
  base64: string;
  md5: string;
}

export interface StreamState {
  content: string;
  finish: boolean;
  images?: StreamImage[];
  /** The content is a note between two attempts, not part of the answer. */
  interim?: boolean;
}

const keys = (botId: string, streamId: string) => {
  const base = `wecom:stream:${botId}:${streamId}`;
  return { state: base, start: `${base}:start`, end: `${base}:end` };
};

/** The plaintext of a stream answer. */
export function streamReplyPlaintext(streamId: string, state: StreamState): string {
  const stream: Record<string, unknown> = { id: streamId, finish: state.finish, content: state.content };
  if (state.finish && state.images?.length) {
    stream.msg_item = state.images.map((image) => ({ msgtype: 'image', image }));
  }
  return JSON.stringify({ msgtype: 'stream', stream });
}

/** The encrypted JSON reply WeCom expects: `{encrypt, msgsignature, timestamp, nonce}`. */
export function encryptJsonReply(
  crypto: WecomCrypto,
  plaintext: string,
  nowMs: number,
): { encrypt: string; msgsignature: string; timestamp: string; nonce: string } {
  const r = crypto.encryptReply(plaintext, String(Math.floor(nowMs / 1000)), String(randomInt(1_000_000_000, 9_999_999_999)));
  return { encrypt: r.encrypt, msgsignature: r.signature, timestamp: r.timestamp, nonce: r.nonce };
}

function parseState(raw: string | undefined): StreamState | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<StreamState>;
    if (typeof v.content === 'string' && typeof v.finish === 'boolean') {
      return { content: v.content, finish: v.finish, ...(Array.isArray(v.images) ? { images: v.images } : {}), ...(v.interim === true ? { interim: true } : {}) };
    }
  } catch {
    /* corrupt state reads as absent */
  }
  return undefined;
}

export interface SmartBotStreamsOptions {
  kv: KeyValueStore;
  logger: Logger;
  http: AxiosInstance;
  clock?: () => number;
  pushIntervalMs?: number;
}

export class SmartBotStreams {
  private readonly kv: KeyValueStore;
  private readonly logger: Logger;
  private readonly http: AxiosInstance;
  private readonly clock: () => number;
  private readonly pushIntervalMs: number;

  constructor(opts: SmartBotStreamsOptions) {
    this.kv = opts.kv;
    this.logger = opts.logger;
    this.http = opts.http;
    this.clock = opts.clock ?? Date.now;
    this.pushIntervalMs = opts.pushIntervalMs ?? DEFAULT_PUSH_INTERVAL_MS;
  }

  /** Marks a stream as opened: the message callback is being answered with its start. */
  async markOpened(botId: string, streamId: string): Promise<void> {
    await this.kv.setIfAbsent(keys(botId, streamId).state, JSON.stringify({ content: '', finish: false }), STATE_TTL_MS);
  }

  /** What a refresh callback for `streamId` is answered with. */
  async answerRefresh(botId: string, streamId: string): Promise<StreamState> {
    const k = keys(botId, streamId);
    const state = parseState(await this.kv.get(k.state));
    if (state?.finish) return state;
    if (!state) {
      // Not opened here, or its state is gone: WeCom must stop polling. Claiming the end marker sends a worker
      // still holding the message to response_url.
      if (await this.kv.setIfAbsent(k.end, 'unknown', STATE_TTL_MS)) this.logger.info({ botId, streamId }, 'wecom refresh for an unknown stream: closed');
      return { content: '', finish: true };
    }
    const now = this.clock();
    let started = Number(await this.kv.get(k.start));
    if (!Number.isFinite(started) || started <= 0) {
      await this.kv.setIfAbsent(k.start, String(now), STATE_TTL_MS);
      started = Number(await this.kv.get(k.start)) || now;
    }
    if (now - started < STREAM_CLOSE_AFTER_MS) return { content: state.content, finish: false };
    if (await this.kv.setIfAbsent(k.end, 'closed', STATE_TTL_MS)) {
      this.logger.info({ botId, streamId }, 'wecom stream closed at the polling deadline; answer goes to response_url');
      // A "retrying" note is not kept as the last word: only the answer so far is.
      const partial = state.interim ? '' : truncateUtf8(state.content, WECOM_STREAM_LIMIT_BYTES - Buffer.byteLength(STREAM_HANDOVER_NOTICE));
      return { content: (partial + STREAM_HANDOVER_NOTICE).trimStart(), finish: true };
    }
    // The worker finished in between: its final state was written before it claimed the end marker.
    return parseState(await this.kv.get(k.state)) ?? { content: '', finish: false };
  }

  /** A ReplyStream writing cumulative content for refresh callbacks to read. */
  open(botId: string, target: SmartBotReplyTarget & { streamId: string }, format: WecomReplyFormat): ReplyStream {
    return new KvReplyStream(this, botId, target, format);
  }

  /** Writes an intermediate state (not finished); `interim` marks a note between attempts. */
  async writeProgress(botId: string, streamId: string, content: string, interim = false): Promise<void> {
    const state: StreamState = { content, finish: false, ...(interim ? { interim: true } : {}) };
    await this.kv.set(keys(botId, streamId).state, JSON.stringify(state), STATE_TTL_MS);
  }

  /**
   * Ends the stream with the final answer. When a refresh already closed it at the deadline, or WeCom's polling
   * window is over, the answer goes once through response_url instead.
   */
  async finish(
    botId: string,
    target: SmartBotReplyTarget & { streamId: string },
    reply: Reply,
    format: WecomReplyFormat,
    progress: DeliveryProgress = new DeliveryLog(),
  ): Promise<SentRef> {
    const k = keys(botId, target.streamId);
    const { images, linked, warnings } = await this.streamFiles(botId, reply.files ?? []);
    const rendered = renderWecomText(withFileLinks(reply.text, linked), format, reply.footer);
    const content = truncateUtf8(rendered, WECOM_STREAM_LIMIT_BYTES);
    const final: StreamState = { content, finish: true, ...(images.length ? { images } : {}) };
    await this.kv.set(k.state, JSON.stringify(final), STATE_TTL_MS);
    const claimed = await this.kv.setIfAbsent(k.end, 'finished', STATE_TTL_MS);
    const late = target.receivedAt > 0 && this.clock() - target.receivedAt > STREAM_POLL_WINDOW_MS;
    let via: 'stream' | 'response_url' | 'none' = 'stream';
    if (!claimed || late) {
      if (target.responseUrl) {
        await this.postResponseUrl(target.responseUrl, rendered, format);
        via = 'response_url';
      } else {
        this.logger.warn({ botId, streamId: target.streamId }, 'wecom stream closed before the answer and no response_url: answer not delivered');
        via = 'none';
      }
    }
    const data = { streamId: target.streamId, via };
    if (via !== 'none') {
      await progress.record('text', { text: true, ids: [target.streamId], data, ...(warnings.length ? { warning: warnings.join('; ') } : {}) });
    }
    return { platformMessageId: target.streamId, data };
  }

  /**
   * The workflow's files as a finished stream shows them: PNG/JPEG images (their bytes, or fetched from the
   * workflow's host; up to 10 of 2 MB) inline, every other file with a URL as a link. An image that cannot be
   * fetched is linked instead: it never holds the answer back.
   */
  private async streamFiles(botId: string, files: readonly ReplyFile[]): Promise<{ images: StreamImage[]; linked: ReplyFile[]; warnings: string[] }> {
    const images: StreamImage[] = [];
    const linked: ReplyFile[] = [];
    const warnings: string[] = [];
    for (const file of files) {
      const maybeImage = file.kind === 'image' || (file.mime ?? '').startsWith('image/');
      let data: Buffer | undefined;
      if (maybeImage && isUploadable(file) && images.length < MAX_STREAM_IMAGES) {
        // A short timeout: WeCom stops polling the stream six minutes after the user's message.
        data = await replyFileBytes(file, { maxBytes: MAX_STREAM_IMAGE_BYTES, timeoutMs: STREAM_IMAGE_TIMEOUT_MS }).catch((err: unknown) => {
          this.logger.warn({ botId, code: (err as { code?: string }).code, file: file.name }, 'wecom: stream image not fetched; linking it');
          warnings.push(linkedFileWarning(file, err));
          return undefined;
        });
      }
      if (data && isPngOrJpeg(data)) images.push({ base64: data.toString('base64'), md5: createHash('md5').update(data).digest('hex') });
      else linked.push(file);
    }
    return { images, linked, warnings };
  }

  /**
   * Posts one reply to a response_url (usable once, within an hour). The URL is a capability: never logged.
   */
  async postResponseUrl(responseUrl: string, content: string, format: WecomReplyFormat): Promise<void> {
    const body =
      format === 'markdown'
        ? { msgtype: 'markdown', markdown: { content: truncateUtf8(content, WECOM_STREAM_LIMIT_BYTES) } }
        : { msgtype: 'text', text: { content: truncateUtf8(content, WECOM_STREAM_LIMIT_BYTES) } };
    let status: number;
    let data: unknown;
    try {
      const res = await this.http.post(responseUrl, body, { validateStatus: () => true });
      status = res.status;
      data = res.data;
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw transportError('response_url', `network error${code ? ` (${code})` : ''}`);
    }
    if (status >= 500) throw transportError('response_url', `HTTP ${status}`);
    const json = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
    const errcode = typeof json.errcode === 'number' ? json.errcode : status >= 400 ? -2 : 0;
    if (errcode !== 0) throw translateWecomErrcode('response_url', errcode, typeof json.errmsg === 'string' ? json.errmsg : `HTTP ${status}`);
  }

  get pushInterval(): number {
    return this.pushIntervalMs;
  }

  get now(): number {
    return this.clock();
  }
}

/** PNG or JPEG by their magic bytes: the only images a stream's msg_item shows. */
function isPngOrJpeg(data: Buffer): boolean {
  return (data.length > 8 && data.readUInt32BE(0) === 0x89504e47) || (data.length > 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff);
}

/** Coalesces pushes: at most one write per interval, always the latest text, writes serialized. */
class KvReplyStream implements ReplyStream {
  private latest: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private lastWrite = 0;
  private done = false;

  constructor(
    private readonly streams: SmartBotStreams,
    private readonly botId: string,
    private readonly target: SmartBotReplyTarget & { streamId: string },
    private readonly format: WecomReplyFormat,
  ) {}

  push(textSoFar: string): void {
    if (this.done) return;
    this.latest = textSoFar;
    if (this.timer) return;
    const wait = Math.max(0, this.lastWrite + this.streams.pushInterval - this.streams.now);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
    this.timer.unref?.();
  }

  private flush(): void {
    const text = this.latest;
    if (text === undefined || this.done) return;
    this.latest = undefined;
    this.lastWrite = this.streams.now;
    const content = truncateUtf8(renderWecomText(text, this.format), WECOM_STREAM_LIMIT_BYTES);
    this.chain = this.chain
      .then(() => this.streams.writeProgress(this.botId, this.target.streamId, content))
      .catch(() => {
        /* an intermediate write may fail; the final one is awaited and reported */
      });
  }

  /** Stops taking pushes and waits for the write in flight. */
  private async stop(): Promise<void> {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  async finish(reply: Reply, progress?: DeliveryProgress): Promise<SentRef> {
    await this.stop();
    return this.streams.finish(this.botId, this.target, reply, this.format, progress);
  }

  fail(reply: Reply, progress?: DeliveryProgress): Promise<SentRef> {
    return this.finish(reply, progress);
  }

  /** Unfinished content: WeCom keeps polling, and the next attempt's text or the fallback replaces the note. */
  async interrupt(note: string): Promise<void> {
    await this.stop();
    await this.streams.writeProgress(this.botId, this.target.streamId, renderWecomText(note, this.format), true);
  }
}
