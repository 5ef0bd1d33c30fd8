/**
 * Sends answers to WeCom.
 *
 * - app: `message/send` to the user, text or markdown per bot setting, split under 2048 bytes; the workflow's files
 *   (their bytes, or fetched from the workflow's own host) are uploaded (`media/upload`) and sent as image/file
 *   messages; other file URLs become links, and so does a file that cannot be fetched for good (too large, gone).
 *   Steps already delivered are remembered (KeyValueStore, 1 h) so a retried job does not send them twice.
 * - smart_bot: through the stream when the callback was answered with one, else once via response_url.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../../observability/logger.js';
import type { KeyValueStore } from '../../store/kv.js';
import { isUploadable, ReplyFileError, replyFileBytes } from '../reply-files.js';
import type { BotRuntime, Reply, ReplySender, ReplyStream, ReplyTarget, SentRef } from '../types.js';
import { MAX_MEDIA_BYTES, type WecomApiClient, type WecomMessageBody } from './api-client.js';
import type { WecomSettings } from './config.js';
import { WecomApiError } from './errors.js';
import { readReplyTarget, type AppReplyTarget, type SmartBotReplyTarget } from './normalize.js';
import { fileLink, renderWecomText, splitForWecom, withFileLinks, WECOM_TEXT_LIMIT_BYTES } from './render.js';
import type { SmartBotStreams } from './smart-bot.js';

export interface WecomSenderDeps {
  bot: BotRuntime;
  settings: WecomSettings;
  kv: KeyValueStore;
  logger: Logger;
  /** The API client of the bot's app; throws a configuration error when the bot has no corpId/secret. */
  api: () => WecomApiClient;
  streams: SmartBotStreams;
}

const PROGRESS_TTL_MS = 3_600_000;
/** WeCom sends images up to 10 MB as image messages; larger ones go as files (up to 20 MB). */
const IMAGE_MESSAGE_MAX_BYTES = 10 * 1024 * 1024;


export function createWecomSender(deps: WecomSenderDeps): ReplySender {
  const { bot, settings } = deps;
  const format = settings.replyFormat;

  async function sendApp(target: AppReplyTarget, reply: Reply): Promise<SentRef> {
    const api = deps.api();
    const text = renderWecomText(withFileLinks(reply.text, (reply.files ?? []).filter((f) => !isUploadable(f))), format, reply.footer);
    const chunks = splitForWecom(text, WECOM_TEXT_LIMIT_BYTES);
    const uploads = (reply.files ?? []).filter(isUploadable);
    // Chunks already delivered for this inbound message and this text: a retried job skips them.
    const progressKey = target.msgId
      ? `wecom:sent:${bot.id}:${target.msgId}:${createHash('sha256')
          .update(`${text}\n${uploads.map((f) => f.name).join('\n')}`)
          .digest('hex')
          .slice(0, 24)}`
      : undefined;
    const done = progressKey ? Number(await deps.kv.get(progressKey)) || 0 : 0;
    const msgids: string[] = [];
    let step = 0;
    const deliver = async (fn: () => Promise<string | undefined>) => {
      step += 1;
      if (step <= done) return;
      const id = await fn();
      if (id) msgids.push(id);
      if (progressKey) await deps.kv.set(progressKey, String(step), PROGRESS_TTL_MS);
    };
    const sendBody = async (body: WecomMessageBody) => {
      const r = await api.sendMessage(target.agentId, { touser: target.toUser, ...body });
      if (r.invaliduser) deps.logger.warn({ botId: bot.id, invaliduser: r.invaliduser }, 'wecom reported invalid recipients');
      return r.msgid;
    };
    const textBody = (content: string): WecomMessageBody =>
      format === 'markdown' ? { msgtype: 'markdown', markdown: { content } } : { msgtype: 'text', text: { content } };
    for (const chunk of chunks) await deliver(() => sendBody(textBody(chunk)));
    for (const file of uploads) {
      await deliver(async () => {
        let data: Buffer;
        try {
          data = await replyFileBytes(file, { maxBytes: MAX_MEDIA_BYTES });
        } catch (err) {
          // Fetching again will not help (too large, gone, expired link): say where the file is instead.
          if (!(err instanceof ReplyFileError) || err.retryable || !file.url) throw err;
          deps.logger.warn({ botId: bot.id, code: err.code, file: file.name }, 'wecom: workflow file not uploaded; sending its link');
          return sendBody(textBody(renderWecomText(fileLink(file), format)));
        }
        const isImage = (file.kind === 'image' || (file.mime ?? '').startsWith('image/')) && data.length <= IMAGE_MESSAGE_MAX_BYTES;
        const mediaId = await api.uploadMedia(isImage ? 'image' : 'file', { name: file.name, mime: file.mime ?? 'application/octet-stream', data });
        return sendBody(isImage ? { msgtype: 'image', image: { media_id: mediaId } } : { msgtype: 'file', file: { media_id: mediaId } });
      });
    }
    return { platformMessageId: msgids[0] ?? '', data: { msgids, chunks: chunks.length, files: uploads.length } };
  }

  async function sendSmartBot(target: SmartBotReplyTarget, reply: Reply): Promise<SentRef> {
    if (target.streamId) return deps.streams.finish(bot.id, { ...target, streamId: target.streamId }, reply, format);
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
    return { platformMessageId: `response_url:${bot.id}:${target.userId}:${target.receivedAt}`, data: { via: 'response_url' } };
  }

  const sender: ReplySender = {
    async send(rawTarget: ReplyTarget, reply: Reply): Promise<SentRef> {
      const target = readReplyTarget(rawTarget);
      return target.mode === 'app' ? sendApp(target, reply) : sendSmartBot(target, reply);
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
        finish: (reply) => sender.send(rawTarget, reply),
        fail: (reply) => sender.send(rawTarget, reply),
      };
    };
  }
  return sender;
}
