/**
 * Sends answers to WeCom.
 *
 * - app: `message/send` to the user, text or markdown per bot setting, split under 2048 bytes; files with bytes
 *   are uploaded (`media/upload`) and sent as image/file messages; files known only by URL become links. Chunks
 *   already delivered are remembered (KeyValueStore, 1 h) so a retried job does not send them twice.
 * - smart_bot: through the stream when the callback was answered with one, else once via response_url.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../../observability/logger.js';
import type { KeyValueStore } from '../../store/kv.js';
import type { BotRuntime, Reply, ReplyFile, ReplySender, ReplyStream, ReplyTarget, SentRef } from '../types.js';
import type { WecomApiClient } from './api-client.js';
import type { WecomSettings } from './config.js';
import { WecomApiError } from './errors.js';
import { readReplyTarget, type AppReplyTarget, type SmartBotReplyTarget } from './normalize.js';
import { renderWecomText, splitForWecom, WECOM_TEXT_LIMIT_BYTES } from './render.js';
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

/** Links for files we cannot upload (no bytes). */
function withFileLinks(text: string, files: readonly ReplyFile[]): string {
  const links = files.filter((f) => !f.data && f.url).map((f) => `[${f.name || 'file'}](${f.url})`);
  return links.length ? `${text}\n\n${links.join('\n')}` : text;
}

export function createWecomSender(deps: WecomSenderDeps): ReplySender {
  const { bot, settings } = deps;
  const format = settings.replyFormat;

  async function sendApp(target: AppReplyTarget, reply: Reply): Promise<SentRef> {
    const api = deps.api();
    const text = renderWecomText(withFileLinks(reply.text, reply.files ?? []), format, reply.footer);
    const chunks = splitForWecom(text, WECOM_TEXT_LIMIT_BYTES);
    const uploads = (reply.files ?? []).filter((f): f is ReplyFile & { data: Buffer } => !!f.data);
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
    for (const chunk of chunks) {
      await deliver(async () => {
        const body =
          format === 'markdown'
            ? ({ msgtype: 'markdown', markdown: { content: chunk } } as const)
            : ({ msgtype: 'text', text: { content: chunk } } as const);
        const r = await api.sendMessage(target.agentId, { touser: target.toUser, ...body });
        if (r.invaliduser) deps.logger.warn({ botId: bot.id, invaliduser: r.invaliduser }, 'wecom reported invalid recipients');
        return r.msgid;
      });
    }
    for (const file of uploads) {
      await deliver(async () => {
        const isImage = file.kind === 'image' || (file.mime ?? '').startsWith('image/');
        const mediaId = await api.uploadMedia(isImage ? 'image' : 'file', {
          name: file.name,
          mime: file.mime ?? 'application/octet-stream',
          data: file.data,
        });
        const body = isImage
          ? ({ msgtype: 'image', image: { media_id: mediaId } } as const)
          : ({ msgtype: 'file', file: { media_id: mediaId } } as const);
        return (await api.sendMessage(target.agentId, { touser: target.toUser, ...body })).msgid;
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
    const text = renderWecomText(withFileLinks(reply.text, reply.files ?? []), format, reply.footer);
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
