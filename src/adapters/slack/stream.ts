import type { Logger } from '../../observability/logger.js';
import type { KeyValueStore } from '../../store/kv.js';
import { DeliveryLog } from '../delivery-progress.js';
import type { DeliveryProgress, Reply, ReplyFile, ReplyStream, SentRef } from '../types.js';
import { SlackApiError } from './errors.js';
import { contextBlock, escapeMrkdwn, renderSlackMessages, type RenderLimits } from './render.js';
import type { SlackReplyTarget } from './slack-types.js';
import type { SlackApi } from './web-api.js';
import { SlackMessageWriter } from './writer.js';

/**
 * Streamed answers. Two ways, chosen per workspace:
 * - native: chat.startStream / appendStream / stopStream (where the workspace has them; needs a thread). An
 *   `unknown_method` / `not_allowed` answer is remembered per workspace so later answers skip the attempt.
 * - update: a placeholder posted at once, then chat.update with the text so far, at most once per
 *   `minUpdateIntervalMs` (chat.update is Tier 3; ~1/s per message is safe), coalescing everything in between.
 * Both continue an answer too long for one message in follow-up messages in the thread. The final text is the
 * delivery's `text` part; the files follow as their own parts (see files.ts).
 *
 * An interrupted attempt (`interrupt`) ends the stream with its note: on Slack that is not final for the answer,
 * because the next attempt simply opens a new stream (a new message) below it.
 */
export interface SlackStreamOptions {
  api: SlackApi;
  kv: KeyValueStore;
  logger: Logger;
  target: SlackReplyTarget;
  /** Key the native-streaming memory is kept under (team id, else bot id). */
  workspaceKey: string;
  nativeStreaming: 'auto' | 'off';
  placeholderText: string;
  /** Show `reply.footer`. */
  usageFooter: boolean;
  /** @defaultValue 1000 */
  minUpdateIntervalMs?: number;
  renderLimits?: Partial<RenderLimits>;
  /** Total characters one native stream carries before the rest goes to follow-up messages. @defaultValue 30000 */
  nativeMaxChars?: number;
  now?: () => number;
  /** Called with where the answer lives, once it is final. */
  onPosted?: (where: { channel: string; threadTs?: string; ts: string[] }) => Promise<void>;
  uploadFiles: (files: readonly ReplyFile[], where: { channel: string; threadTs?: string }, progress: DeliveryProgress) => Promise<void>;
}

/** Slack errors meaning "this workspace has no native streaming". */
const NATIVE_UNSUPPORTED = new Set(['unknown_method', 'not_allowed', 'feature_not_enabled', 'method_deprecated']);
/** Errors chat.postMessage would meet too: no point falling back. */
const FATAL_FOR_FALLBACK = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);
const NATIVE_OFF_TTL_MS = 24 * 60 * 60 * 1000;
/** chat.appendStream's markdown_text limit per call. */
const APPEND_MAX_CHARS = 12_000;

export function nativeOffKey(workspaceKey: string): string {
  return `slack:native-stream:off:${workspaceKey}`;
}

export async function openSlackStream(opts: SlackStreamOptions): Promise<ReplyStream> {
  const { target, api, kv } = opts;
  if (opts.nativeStreaming === 'auto' && target.threadTs && (await kv.get(nativeOffKey(opts.workspaceKey))) === undefined) {
    try {
      const res = await api.call<{ ok: boolean; ts?: string }>('chat.startStream', {
        channel: target.channel,
        thread_ts: target.threadTs,
        ...(target.teamId ? { recipient_team_id: target.teamId } : {}),
        ...(target.userId ? { recipient_user_id: target.userId } : {}),
      });
      if (res.ts) return new NativeStream(opts, res.ts);
    } catch (err) {
      if (err instanceof SlackApiError && err.slackError && NATIVE_UNSUPPORTED.has(err.slackError)) {
        opts.logger.info({ workspace: opts.workspaceKey, slackError: err.slackError }, 'Slack native streaming unavailable; using chat.update');
        await kv.set(nativeOffKey(opts.workspaceKey), err.slackError, NATIVE_OFF_TTL_MS);
      } else if (err instanceof SlackApiError && err.slackError && FATAL_FOR_FALLBACK.has(err.slackError)) {
        throw err; // the fallback would fail the same way
      } else {
        opts.logger.warn({ err }, 'chat.startStream failed; using chat.update');
      }
    }
  }
  const writer = new SlackMessageWriter(api, target.channel, target.threadTs);
  await writer.postPlaceholder(opts.placeholderText);
  return new UpdatingStream(opts, writer);
}

/** Coalesces pushes and runs at most one flush per interval, one at a time. */
abstract class ThrottledStream implements ReplyStream {
  protected latest = '';
  protected closed = false;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  protected readonly interval: number;
  protected readonly now: () => number;

  constructor(protected readonly opts: SlackStreamOptions) {
    this.interval = opts.minUpdateIntervalMs ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  push(textSoFar: string): void {
    if (this.closed) return;
    this.latest = textSoFar;
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlushAt + this.interval - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.chain = this.chain
        .then(async () => {
          if (this.closed) return;
          this.lastFlushAt = this.now();
          await this.flush(this.latest);
        })
        .catch((err: unknown) => this.opts.logger.warn({ err }, 'Slack stream update failed; the final answer will still be sent'));
    }, wait);
  }

  /** Stops the throttle and waits for the update in flight. */
  protected async settle(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  protected footerOf(reply: Reply): string | undefined {
    return this.opts.usageFooter ? reply.footer : undefined;
  }

  protected abstract flush(text: string): Promise<void>;
  abstract finish(reply: Reply, progress?: DeliveryProgress): Promise<SentRef>;

  fail(reply: Reply, progress?: DeliveryProgress): Promise<SentRef> {
    return this.finish(reply, progress);
  }

  async interrupt(note: string): Promise<void> {
    await this.finish({ text: note });
  }
}

class UpdatingStream extends ThrottledStream {
  private shown = '';

  constructor(
    opts: SlackStreamOptions,
    private readonly writer: SlackMessageWriter,
  ) {
    super(opts);
  }

  protected async flush(text: string): Promise<void> {
    if (text === this.shown || text.trim() === '') return;
    this.shown = text;
    await this.writer.apply(renderSlackMessages(text, { limits: this.opts.renderLimits }));
  }

  async finish(reply: Reply, progress: DeliveryProgress = new DeliveryLog()): Promise<SentRef> {
    await this.settle();
    await this.writer.apply(renderSlackMessages(reply.text, { footer: this.footerOf(reply), limits: this.opts.renderLimits }));
    const ts = this.writer.timestamps;
    await progress.record('text', { text: true, ids: ts, data: { mode: 'update' } });
    const where = { channel: this.writer.channel, threadTs: this.writer.threadTs ?? (this.opts.target.direct ? undefined : ts[0]) };
    await this.opts.onPosted?.({ channel: where.channel, threadTs: where.threadTs, ts });
    if (reply.files?.length) await this.opts.uploadFiles(reply.files, where, progress);
    return { platformMessageId: ts[0] ?? '', data: { channel: this.writer.channel, threadTs: this.writer.threadTs, ts, mode: 'update' } };
  }
}

class NativeStream extends ThrottledStream {
  private sent = '';
  private readonly maxChars: number;

  constructor(
    opts: SlackStreamOptions,
    private readonly streamTs: string,
  ) {
    super(opts);
    this.maxChars = opts.nativeMaxChars ?? 30_000;
  }

  protected async flush(text: string): Promise<void> {
    if (!text.startsWith(this.sent)) return; // not cumulative: leave it to finish()
    const room = this.maxChars - this.sent.length;
    const delta = text.slice(this.sent.length, this.sent.length + Math.max(0, room));
    await this.append(delta);
  }

  private async append(delta: string): Promise<void> {
    for (let i = 0; i < delta.length; i += APPEND_MAX_CHARS) {
      const piece = delta.slice(i, i + APPEND_MAX_CHARS);
      await this.opts.api.call('chat.appendStream', { channel: this.opts.target.channel, ts: this.streamTs, markdown_text: piece });
      this.sent += piece;
    }
  }

  async finish(reply: Reply, progress: DeliveryProgress = new DeliveryLog()): Promise<SentRef> {
    await this.settle();
    let rest = reply.text.startsWith(this.sent) ? reply.text.slice(this.sent.length) : `\n\n${reply.text}`;
    let overflow = '';
    const room = this.maxChars - this.sent.length;
    if (rest.length > room) {
      let cut = rest.lastIndexOf('\n', room);
      if (cut < room / 2) cut = Math.max(0, room);
      overflow = rest.slice(cut).replace(/^\n+/, '');
      rest = rest.slice(0, cut);
    }
    await this.append(rest);
    const footer = this.footerOf(reply)?.trim();
    const { channel, threadTs } = this.opts.target;
    await this.opts.api.call('chat.stopStream', {
      channel,
      ts: this.streamTs,
      ...(footer && !overflow ? { blocks: [contextBlock(escapeMrkdwn(footer))] } : {}),
    });
    const ts = [this.streamTs];
    if (overflow) {
      const writer = new SlackMessageWriter(this.opts.api, channel, threadTs);
      await writer.apply(renderSlackMessages(overflow, { footer, limits: this.opts.renderLimits }));
      ts.push(...writer.timestamps);
    }
    await progress.record('text', { text: true, ids: ts, data: { mode: 'native' } });
    await this.opts.onPosted?.({ channel, threadTs, ts });
    if (reply.files?.length) await this.opts.uploadFiles(reply.files, { channel, threadTs }, progress);
    return { platformMessageId: this.streamTs, data: { channel, threadTs, ts, mode: 'native' } };
  }
}
