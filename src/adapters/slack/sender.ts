import type { Logger } from '../../observability/logger.js';
import type { KeyValueStore } from '../../store/kv.js';
import { DeliveryLog } from '../delivery-progress.js';
import type { DeliveryProgress, Reply, ReplyFile, ReplySender, ReplyStream, ReplyTarget, SentRef } from '../types.js';
import type { SlackBotConfig } from './config.js';
import { uploadReplyFiles } from './files.js';
import { renderSlackMessages, type RenderLimits, type SlackMessage } from './render.js';
import { toReplyTarget, type SlackReplyTarget } from './slack-types.js';
import { openSlackStream } from './stream.js';
import type { ThreadRegistry } from './threads.js';
import type { SlackApi } from './web-api.js';
import { SlackMessageWriter } from './writer.js';

/**
 * ReplySender for one Slack bot: renders markdown to Block Kit, posts into the thread the message came from,
 * continues long answers in follow-up messages, uploads workflow files into the thread (or links them), and records
 * the thread as one the bot is in. Every message and file is a part of the delivery's progress, so a retried
 * delivery continues where the last one stopped. `openStream` exists when the bot's `streaming` setting is on.
 */
export interface SlackSenderDeps {
  botId: string;
  config: SlackBotConfig;
  api: SlackApi;
  kv: KeyValueStore;
  threads: ThreadRegistry;
  logger: Logger;
  /** Tuning for tests; production uses the defaults. */
  stream?: { minUpdateIntervalMs?: number; nativeMaxChars?: number };
  renderLimits?: Partial<RenderLimits>;
  fetchFn?: typeof fetch;
  /** Fetching one workflow file before uploading it; past it the file is linked. @defaultValue 60000 */
  replyFileTimeoutMs?: number;
}

export interface SlackSentData {
  channel: string;
  threadTs?: string;
  ts: string[];
  mode: 'post' | 'update' | 'native';
}

export function createSlackSender(deps: SlackSenderDeps): ReplySender {
  const { api, config, threads, botId } = deps;
  const { settings } = config;

  const upload = async (files: readonly ReplyFile[], where: { channel: string; threadTs?: string }, progress: DeliveryProgress): Promise<void> => {
    await uploadReplyFiles(api, where, files, { maxBytes: settings.maxFileBytes, fetchFn: deps.fetchFn, timeoutMs: deps.replyFileTimeoutMs }, progress);
  };
  const remember = async (target: SlackReplyTarget, where: { channel: string; threadTs?: string }): Promise<void> => {
    if (target.direct || !where.threadTs) return;
    await threads.remember(botId, where.channel, where.threadTs).catch((err: unknown) => deps.logger.warn({ err }, 'Could not record the Slack thread'));
  };
  const footerOf = (reply: Reply): string | undefined => (settings.usageFooter ? reply.footer : undefined);

  /**
   * Posts the answer's messages, recording each as it goes. What an earlier attempt already showed (posted, or
   * through a stream) is not posted again: a posted answer continues after its last message.
   */
  const postText = async (target: SlackReplyTarget, messages: SlackMessage[], progress: DeliveryProgress): Promise<{ ts: string[]; mode: SlackSentData['mode'] }> => {
    const done = progress.get('text');
    const posted = done?.ids ?? [];
    const mode = done?.data?.mode === 'update' || done?.data?.mode === 'native' ? done.data.mode : 'post';
    if (done && (mode !== 'post' || posted.length >= messages.length)) return { ts: posted, mode };
    const writer = SlackMessageWriter.resume(api, target.channel, target.threadTs, posted, messages);
    await writer.apply(messages, (ts) => progress.record('text', { text: true, ids: ts, data: { mode: 'post' } }));
    return { ts: writer.timestamps, mode: 'post' };
  };

  const sender: ReplySender = {
    async send(rawTarget: ReplyTarget, reply: Reply, progress: DeliveryProgress = new DeliveryLog()): Promise<SentRef> {
      const target = toReplyTarget(rawTarget);
      const { ts, mode } = await postText(target, renderSlackMessages(reply.text, { footer: footerOf(reply), limits: deps.renderLimits }), progress);
      const where = { channel: target.channel, threadTs: target.threadTs ?? (target.direct ? undefined : ts[0]) };
      await remember(target, where);
      if (reply.files?.length) await upload(reply.files, where, progress);
      const data: SlackSentData = { channel: target.channel, threadTs: target.threadTs, ts, mode };
      return { platformMessageId: ts[0] ?? '', data: { ...data } };
    },

    async update(ref: SentRef, reply: Reply): Promise<void> {
      const data = sentDataOf(ref);
      const writer = new SlackMessageWriter(api, data.channel, data.threadTs, data.ts);
      await writer.apply(renderSlackMessages(reply.text, { footer: footerOf(reply), limits: deps.renderLimits }));
    },
  };

  if (settings.streaming) {
    sender.openStream = async (rawTarget: ReplyTarget): Promise<ReplyStream> => {
      const target = toReplyTarget(rawTarget);
      return openSlackStream({
        api,
        kv: deps.kv,
        logger: deps.logger,
        target,
        workspaceKey: target.teamId ?? config.credentials.teamId ?? botId,
        nativeStreaming: settings.nativeStreaming,
        placeholderText: settings.placeholderText,
        usageFooter: settings.usageFooter,
        minUpdateIntervalMs: deps.stream?.minUpdateIntervalMs,
        nativeMaxChars: deps.stream?.nativeMaxChars,
        renderLimits: deps.renderLimits,
        onPosted: (where) => remember(target, where),
        uploadFiles: upload,
      });
    };
  }
  return sender;
}

export function sentDataOf(ref: SentRef): SlackSentData {
  const d = ref.data ?? {};
  const channel = typeof d.channel === 'string' ? d.channel : undefined;
  const ts = Array.isArray(d.ts) ? d.ts.filter((t): t is string => typeof t === 'string') : [ref.platformMessageId];
  if (!channel) throw new TypeError('Slack SentRef has no channel');
  const mode = d.mode === 'update' || d.mode === 'native' ? d.mode : 'post';
  return { channel, threadTs: typeof d.threadTs === 'string' ? d.threadTs : undefined, ts, mode };
}
