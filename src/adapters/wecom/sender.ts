/**
 * Sends answers to WeCom.
 *
 * - app: `message/send` to the user, text or markdown per bot setting, split under 2048 bytes; the workflow's files
 *   (their bytes, or fetched from the workflow's own host) are uploaded (`media/upload`) and sent as image/file
 *   messages; other file URLs become links, and so does a file that cannot be fetched or uploaded (with a warning).
 *   Each text message and each file is a part of the delivery's progress: a retried delivery skips those sent.
 * - smart_bot: through the stream when the callback was answered with one, else once via response_url.
 */
import type { Logger } from '../../observability/logger.js';
import { DeliveryLog, deliverPart, type PartOutcome } from '../delivery-progress.js';
import { isUploadable, linkedFileWarning, replyFileBytes } from '../reply-files.js';
import type { BotRuntime, DeliveryProgress, Reply, ReplySender, ReplyStream, ReplyTarget, SentRef } from '../types.js';
import { MAX_MEDIA_BYTES, type WecomApiClient, type WecomMessageBody } from './api-client.js';
import type { WecomSettings } from './config.js';
import { WecomApiError } from './errors.js';
import { readReplyTarget, type AppReplyTarget, type SmartBotReplyTarget } from './normalize.js';
import { fileLink, renderWecomText, splitForWecom, withFileLinks, WECOM_TEXT_LIMIT_BYTES } from './render.js';
import type { SmartBotStreams } from './smart-bot.js';

export interface WecomSenderDeps {
  bot: BotRuntime;
  settings: WecomSettings;
  logger: Logger;
  /** The API client of the bot's app; throws a configuration error when the bot has no corpId/secret. */
  api: () => WecomApiClient;
  streams: SmartBotStreams;
  /** Fetching one workflow file before uploading it; past it the file is linked. @defaultValue 60000 */
  replyFileTimeoutMs?: number;
}

/** WeCom sends images up to 10 MB as image messages; larger ones go as files (up to 20 MB). */
const IMAGE_MESSAGE_MAX_BYTES = 10 * 1024 * 1024;

export function createWecomSender(deps: WecomSenderDeps): ReplySender {
  const { bot, settings } = deps;
  const format = settings.replyFormat;

  async function sendApp(target: AppReplyTarget, reply: Reply, progress: DeliveryProgress): Promise<SentRef> {
    const api = deps.api();
    const text = renderWecomText(withFileLinks(reply.text, (reply.files ?? []).filter((f) => !isUploadable(f))), format, reply.footer);
    const chunks = splitForWecom(text, WECOM_TEXT_LIMIT_BYTES);
    const uploads = (reply.files ?? []).filter(isUploadable);
    const msgids: string[] = [];
    const deliver = async (part: string, send: () => Promise<PartOutcome>, text = false) => {
      msgids.push(...(await deliverPart(progress, part, send, { text })));
    };
    const sendBody = async (body: WecomMessageBody) => {
      const r = await api.sendMessage(target.agentId, { touser: target.toUser, ...body });
      if (r.invaliduser) deps.logger.warn({ botId: bot.id, invaliduser: r.invaliduser }, 'wecom reported invalid recipients');
      return r.msgid;
    };
    const textBody = (content: string): WecomMessageBody =>
      format === 'markdown' ? { msgtype: 'markdown', markdown: { content } } : { msgtype: 'text', text: { content } };
    for (const [i, chunk] of chunks.entries()) await deliver(`text:${i}`, async () => ({ id: await sendBody(textBody(chunk)) }), true);
    for (const [i, file] of uploads.entries()) {
      await deliver(`file:${i}`, async () => {
        let body: WecomMessageBody;
        try {
          const data = await replyFileBytes(file, { maxBytes: MAX_MEDIA_BYTES, timeoutMs: deps.replyFileTimeoutMs });
          const isImage = (file.kind === 'image' || (file.mime ?? '').startsWith('image/')) && data.length <= IMAGE_MESSAGE_MAX_BYTES;
          const mediaId = await api.uploadMedia(isImage ? 'image' : 'file', { name: file.name, mime: file.mime ?? 'application/octet-stream', data });
          body = isImage ? { msgtype: 'image', image: { media_id: mediaId } } : { msgtype: 'file', file: { media_id: mediaId } };
        } catch (err) {
          // Retrying would keep the customer waiting for a file that may never come: say where it is instead.
          if (!file.url) throw err;
          const warning = linkedFileWarning(file, err);
          deps.logger.warn({ botId: bot.id, file: file.name, warning }, 'wecom: workflow file not uploaded; sending its link');
          return { id: await sendBody(textBody(renderWecomText(fileLink(file), format))), warning };
        }
        return { id: await sendBody(body) };
      });
    }
    return { platformMessageId: msgids[0] ?? '', data: { msgids, chunks: chunks.length, files: uploads.length } };
  }

  async function sendSmartBot(target: SmartBotReplyTarget, reply: Reply, progress: DeliveryProgress): Promise<SentRef> {
    const done = progress.get('text');
    if (done) return { platformMessageId: done.ids?.[0] ?? '', data: { ...done.data } };
    if (target.streamId) return deps.streams.finish(bot.id, { ...target, streamId: target.streamId }, reply, format, progress);
    if (!target.responseUrl) {
      throw new WecomApiError('no_reply_channel', 'The smart-bot message carried no response_url to answer through', {
        api: 'response_url',
        category: 'invalid_request',
        retryable: false,
      });
    }
    // response_url takes one markdown message: files are linked.
    const text = renderWecomText(withFileLinks(reply.text, (reply.files ?? []).filter((f) => !f.data)), format, reply.footer);
    await deps.streams.postResponseUrl(target.responseUrl, text, format);
    const ref = { platformMessageId: `response_url:${bot.id}:${target.userId}:${target.receivedAt}`, data: { via: 'response_url' } };
    await progress.record('text', { text: true, ids: [ref.platformMessageId], data: ref.data });
    return ref;
  }

  const sender: ReplySender = {
    async send(rawTarget: ReplyTarget, reply: Reply, progress: DeliveryProgress = new DeliveryLog()): Promise<SentRef> {
      const target = readReplyTarget(rawTarget);
      return target.mode === 'app' ? sendApp(target, reply, progress) : sendSmartBot(target, reply, progress);
    },
  };

  if (bot.mode === 'smart_bot') {
    sender.openStream = async (rawTarget: ReplyTarget): Promise<ReplyStream> => {
      const target = readReplyTarget(rawTarget);
      if (target.mode === 'smart_bot' && target.streamId) {
        return deps.streams.open(bot.id, { ...target, streamId: target.streamId }, format);
      }
      // The callback was not answered with a stream: buffer and answer once at the end.
      return {
        push: () => undefined,
        finish: (reply, progress) => sender.send(rawTarget, reply, progress),
        fail: (reply, progress) => sender.send(rawTarget, reply, progress),
        // The one-use response_url is kept for the answer or the fallback.
        interrupt: async () => undefined,
      };
    };
  }
  return sender;
}
