/**
 * Sends answers to DingTalk.
 *
 * - Text: DingTalk markdown (or plain text) split under the size limit, through the message's sessionWebhook while
 *   it is valid, else the robot API (`oToMessages/batchSend` for a 1:1 chat, `groupMessages/send` for a group).
 *   A sessionWebhook DingTalk refuses for good (expired early) falls back to the robot API.
 * - Files from the workflow: their bytes, or fetched from the workflow's own host, are uploaded (media/upload) and
 *   sent as image / file messages through the robot API; other file URLs become links, and so does a file that cannot
 *   be fetched or uploaded (with a warning).
 * - Each text message and each file is a part of the delivery's progress (`text:<i>`, `file:<i>`; after an AI card,
 *   `card` and `rest:<i>`): a retried delivery, even after a restart, skips the parts already on the platform.
 * - With a card template, `openStream` streams the answer into an AI card (stream.ts).
 */
import type { Logger } from '../../observability/logger.js';
import type { KeyValueStore } from '../../store/kv.js';
import { DeliveryLog, deliverPart, type PartOutcome } from '../delivery-progress.js';
import { fileLink, linkedFileWarning, replyFileBytes } from '../reply-files.js';
import type { BotRuntime, DeliveryProgress, Reply, ReplyFile, ReplySender, ReplyStream, ReplyTarget, SentRef } from '../types.js';
import { MAX_FILE_BYTES, type DingtalkApiClient, type DingtalkMsgKey } from './api-client.js';
import type { DingtalkSettings } from './config.js';
import { DingtalkApiError } from './errors.js';
import { readReplyTarget, type DingtalkReplyTarget } from './normalize.js';
import { markdownTitle, renderDingtalkText, replyParts, splitForCard, splitForDingtalk, DINGTALK_TEXT_LIMIT_BYTES } from './render.js';
import { CARD_PART, openCardStream, type CardStreamTuning } from './stream.js';

export interface DingtalkSenderDeps {
  bot: BotRuntime;
  settings: DingtalkSettings;
  /** Where a streaming attempt notes the AI card it opened, so the next attempt can close it if this one dies. */
  kv: KeyValueStore;
  logger: Logger;
  /** The bot's API client; throws a configuration error when the bot has no clientId/clientSecret. */
  api: () => DingtalkApiClient;
  clock: () => number;
  card?: CardStreamTuning;
  /** Fetching one workflow file before uploading it; past it the file is linked. @defaultValue 60000 */
  replyFileTimeoutMs?: number;
}

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

  /**
   * Sends `text` (already rendered) as parts `<textPart>:<i>` and the uploadable `files` as `file:<i>`, skipping the
   * parts `progress` already holds and recording each one as soon as it is on the platform.
   */
  async deliver(
    target: DingtalkReplyTarget,
    text: string,
    files: readonly ReplyFile[],
    progress: DeliveryProgress,
    textPart: 'text' | 'rest' = 'text',
  ): Promise<SentRef> {
    const chunks = splitForDingtalk(text, DINGTALK_TEXT_LIMIT_BYTES);
    const ids: string[] = [];
    const deliver = async (part: string, send: () => Promise<PartOutcome>, text = false) => {
      ids.push(...(await deliverPart(progress, part, send, { text })));
    };
    for (const [i, chunk] of chunks.entries()) await deliver(`${textPart}:${i}`, async () => ({ id: await this.sendText(target, chunk) }), true);
    for (const [i, file] of files.entries()) await deliver(`file:${i}`, () => this.sendFile(target, file));
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

  private async sendFile(target: DingtalkReplyTarget, file: ReplyFile): Promise<PartOutcome> {
    let send: () => Promise<string | undefined>;
    try {
      const data = await replyFileBytes(file, { maxBytes: MAX_FILE_BYTES, timeoutMs: this.deps.replyFileTimeoutMs });
      const isImage = (file.kind === 'image' || (file.mime ?? '').startsWith('image/')) && data.length <= IMAGE_MESSAGE_MAX_BYTES;
      const mediaId = await this.deps.api().uploadMedia(isImage ? 'image' : 'file', { name: file.name, mime: file.mime ?? 'application/octet-stream', data });
      const ext = /\.([A-Za-z0-9]{1,8})$/.exec(file.name)?.[1]?.toLowerCase() ?? 'file';
      send = isImage
        ? () => this.sendRobot(target, 'sampleImageMsg', { photoURL: mediaId })
        : () => this.sendRobot(target, 'sampleFile', { mediaId, fileName: file.name, fileType: ext });
    } catch (err) {
      // Retrying would keep the user waiting for a file that may never come: say where it is instead.
      if (!file.url) throw err;
      const warning = linkedFileWarning(file, err);
      this.deps.logger.warn({ botId: this.deps.bot.id, file: file.name, warning }, 'dingtalk: workflow file not uploaded; sending its link');
      return { id: await this.sendText(target, renderDingtalkText(fileLink(file), this.format)), warning };
    }
    return { id: await send() };
  }
}

export function createDingtalkSender(deps: DingtalkSenderDeps): ReplySender {
  const delivery = new DingtalkDelivery(deps);
  const sender: ReplySender = {
    async send(rawTarget: ReplyTarget, reply: Reply, progress: DeliveryProgress = new DeliveryLog()): Promise<SentRef> {
      const target = readReplyTarget(rawTarget);
      const { text, uploads } = replyParts(reply, deps.settings.replyFormat);
      // An AI card of an earlier attempt already shows the first part of the answer: only the rest follows.
      if (progress.get(CARD_PART)?.text) {
        return delivery.deliver(target, splitForCard(text, deps.card?.cardMaxBytes).rest, uploads, progress, 'rest');
      }
      return delivery.deliver(target, text, uploads, progress);
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
