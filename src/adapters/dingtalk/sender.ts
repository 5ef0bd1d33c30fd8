/**
 * Sends answers to DingTalk.
 *
 * - Text: DingTalk markdown (or plain text) split under the size limit, through the message's sessionWebhook while
 *   it is valid, else the robot API (`oToMessages/batchSend` for a 1:1 chat, `groupMessages/send` for a group).
 *   A sessionWebhook DingTalk refuses for good (expired early) falls back to the robot API.
 * - Files from the workflow: their bytes, or fetched from the workflow's own host, are uploaded (media/upload) and
 *   sent as image / file messages through the robot API; other file URLs become links, and so does a file that cannot
 *   be fetched for good (too large, gone).
 * - Parts already delivered are remembered (KeyValueStore, 1 h) per inbound msgId and answer, so a retried job never
 *   posts a part twice.
 * - With a card template, `openStream` streams the answer into an AI card (stream.ts).
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../../observability/logger.js';
import type { KeyValueStore } from '../../store/kv.js';
import { fileLink, ReplyFileError, replyFileBytes } from '../reply-files.js';
import type { BotRuntime, Reply, ReplyFile, ReplySender, ReplyStream, ReplyTarget, SentRef } from '../types.js';
import { MAX_FILE_BYTES, type DingtalkApiClient, type DingtalkMsgKey } from './api-client.js';
import type { DingtalkSettings } from './config.js';
import { DingtalkApiError } from './errors.js';
import { readReplyTarget, type DingtalkReplyTarget } from './normalize.js';
import { markdownTitle, renderDingtalkText, replyParts, splitForCard, splitForDingtalk, DINGTALK_TEXT_LIMIT_BYTES } from './render.js';
import { openCardStream, shownCardOf, type CardStreamTuning } from './stream.js';

export interface DingtalkSenderDeps {
  bot: BotRuntime;
  settings: DingtalkSettings;
  kv: KeyValueStore;
  logger: Logger;
  /** The bot's API client; throws a configuration error when the bot has no clientId/clientSecret. */
  api: () => DingtalkApiClient;
  clock: () => number;
  card?: CardStreamTuning;
}

const PROGRESS_TTL_MS = 3_600_000;
/** A sessionWebhook this close to its expiry is not used: the reply might arrive after it. */
const WEBHOOK_MARGIN_MS = 60_000;
/** DingTalk shows images up to this size as image messages; larger ones go as files. */
const IMAGE_MESSAGE_MAX_BYTES = 10 * 1024 * 1024;

/** Delivers the parts of one answer: text chunks through the best channel, files through the robot API. */
export class DingtalkDelivery {
  constructor(private readonly deps: DingtalkSenderDeps) {}

  private get format() {
    return this.deps.settings.replyFormat;
  }

  /** Sends `text` (already rendered) and the uploadable `files`, skipping parts a previous attempt delivered. */
  async deliver(target: DingtalkReplyTarget, text: string, files: readonly ReplyFile[], partKey: string): Promise<SentRef> {
    const chunks = splitForDingtalk(text, DINGTALK_TEXT_LIMIT_BYTES);
    const progressKey = target.msgId
      ? `dingtalk:sent:${this.deps.bot.id}:${target.msgId}:${createHash('sha256')
          .update(`${partKey}\n${text}\n${files.map((f) => f.name).join('\n')}`)
          .digest('hex')
          .slice(0, 24)}`
      : undefined;
    const done = progressKey ? Number(await this.deps.kv.get(progressKey)) || 0 : 0;
    const ids: string[] = [];
    let step = 0;
    const part = async (fn: () => Promise<string | undefined>) => {
      step += 1;
      if (step <= done) return;
      const id = await fn();
      if (id) ids.push(id);
      if (progressKey) await this.deps.kv.set(progressKey, String(step), PROGRESS_TTL_MS);
    };
    for (const chunk of chunks) await part(() => this.sendText(target, chunk));
    for (const file of files) await part(() => this.sendFile(target, file));
    return { platformMessageId: ids[0] ?? `dingtalk:${target.msgId}`, data: { ids, chunks: chunks.length, files: files.length } };
  }

  /** One text part: the sessionWebhook while valid, else the robot API. */
  async sendText(target: DingtalkReplyTarget, content: string): Promise<string | undefined> {
    if (target.sessionWebhook && (target.sessionWebhookExpiresAt ?? 0) - WEBHOOK_MARGIN_MS > this.deps.clock()) {
      const body =
        this.format === 'markdown'
          ? { msgtype: 'markdown', markdown: { title: markdownTitle(content), text: content } }
          : { msgtype: 'text', text: { content } };
      try {
        await this.deps.api().sendBySessionWebhook(target.sessionWebhook, body);
        return undefined;
      } catch (err) {
        if (!(err instanceof DingtalkApiError) || err.retryable) throw err;
        this.deps.logger.warn({ botId: this.deps.bot.id, code: err.code, remoteCode: err.remoteCode }, 'dingtalk sessionWebhook refused; answering through the robot API');
      }
    }
    const msgParam = this.format === 'markdown' ? { title: markdownTitle(content), text: content } : { content };
    return this.sendRobot(target, this.format === 'markdown' ? 'sampleMarkdown' : 'sampleText', msgParam);
  }

  private async sendRobot(target: DingtalkReplyTarget, msgKey: DingtalkMsgKey, msgParam: Record<string, unknown>): Promise<string | undefined> {
    const api = this.deps.api();
    if (target.conversationType === 'group') return api.sendToGroup(target.robotCode, target.conversationId, msgKey, msgParam);
    if (!target.isStaff) {
      throw new DingtalkApiError(
        'no_reply_channel',
        "The sender is outside the organisation (no staff id) and the message's sessionWebhook has expired: DingTalk offers no other way to answer.",
        { api: '/v1.0/robot/oToMessages/batchSend', category: 'invalid_request', retryable: false },
      );
    }
    return api.sendToUsers(target.robotCode, [target.userId], msgKey, msgParam);
  }

  private async sendFile(target: DingtalkReplyTarget, file: ReplyFile): Promise<string | undefined> {
    let data: Buffer;
    try {
      data = await replyFileBytes(file, { maxBytes: MAX_FILE_BYTES });
    } catch (err) {
      // Fetching again will not help (too large, gone, expired link): say where the file is instead.
      if (!(err instanceof ReplyFileError) || err.retryable || !file.url) throw err;
      this.deps.logger.warn({ botId: this.deps.bot.id, code: err.code, file: file.name }, 'dingtalk: workflow file not uploaded; sending its link');
      return this.sendText(target, renderDingtalkText(fileLink(file), this.format));
    }
    const isImage = (file.kind === 'image' || (file.mime ?? '').startsWith('image/')) && data.length <= IMAGE_MESSAGE_MAX_BYTES;
    const api = this.deps.api();
    const mediaId = await api.uploadMedia(isImage ? 'image' : 'file', { name: file.name, mime: file.mime ?? 'application/octet-stream', data });
    if (isImage) return this.sendRobot(target, 'sampleImageMsg', { photoURL: mediaId });
    const ext = /\.([A-Za-z0-9]{1,8})$/.exec(file.name)?.[1]?.toLowerCase() ?? 'file';
    return this.sendRobot(target, 'sampleFile', { mediaId, fileName: file.name, fileType: ext });
  }
}

export function createDingtalkSender(deps: DingtalkSenderDeps): ReplySender {
  const { bot } = deps;
  const delivery = new DingtalkDelivery(deps);
  const sender: ReplySender = {
    async send(rawTarget: ReplyTarget, reply: Reply): Promise<SentRef> {
      const target = readReplyTarget(rawTarget);
      const { text, uploads } = replyParts(reply, deps.settings.replyFormat);
      // A card of an earlier attempt already shows the first part of this very answer: send only the rest.
      if (target.msgId && (await shownCardOf(deps.kv, bot.id, target.msgId, text))) {
        const { rest } = splitForCard(text, deps.card?.cardMaxBytes);
        return delivery.deliver(target, rest, uploads, 'card-rest');
      }
      return delivery.deliver(target, text, uploads, 'reply');
    },
  };
  if (deps.settings.cardTemplateId && deps.settings.streaming) {
    const templateId = deps.settings.cardTemplateId;
    sender.openStream = async (rawTarget: ReplyTarget): Promise<ReplyStream> =>
      openCardStream({
        target: readReplyTarget(rawTarget),
        botId: deps.bot.id,
        templateId,
        contentKey: deps.settings.cardContentKey,
        format: deps.settings.replyFormat,
        api: deps.api(),
        kv: deps.kv,
        logger: deps.logger,
        delivery,
        clock: deps.clock,
        tuning: deps.card,
      });
  }
  return sender;
}
