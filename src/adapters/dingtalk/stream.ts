/**
 * Streamed answers as a DingTalk AI card (bots with `cardTemplateId`):
 *
 * 1. `createAndDeliver` at once, with the content empty and `flowStatus` "1" (DingTalk's AI-card "thinking" state),
 *    into `dtv1.card//IM_ROBOT.<userId>` (1:1) or `dtv1.card//IM_GROUP.<conversationId>` (group).
 * 2. `PUT /v1.0/card/streaming` with the cumulative text (`isFull: true`: the content key is markdown), throttled,
 *    each update growing the card by at most ~1 KB.
 * 3. `isFinalize: true` with the final text; a long answer keeps its first part in the card and the rest follows as
 *    markdown messages. The finalized card is the delivery's `card` part, the rest `rest:<i>` and `file:<i>`: a
 *    retried delivery (a plain send) posts only what is missing. On failure `isError: true` with the fallback text: a
 *    card is never left spinning.
 * 4. An interrupted attempt (another follows) closes its card in the error state with the note; the next attempt
 *    opens a new card. A card a crashed attempt left open is closed the same way before the retry opens a new one
 *    (the open card is noted in the KeyValueStore: best effort, an in-memory store forgets it at a restart).
 *
 * When the card cannot be created (no permission, bad template, external user in a 1:1 chat) the answer is sent as
 * plain messages at the end instead.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from '../../observability/logger.js';
import type { KeyValueStore } from '../../store/kv.js';
import { DeliveryLog } from '../delivery-progress.js';
import { utf8Len } from '../markdown-split.js';
import type { DeliveryProgress, Reply, ReplyStream, SentRef } from '../types.js';
import type { DingtalkApiClient } from './api-client.js';
import type { DingtalkReplyTarget } from './normalize.js';
import { DINGTALK_CARD_LIMIT_BYTES, renderDingtalkText, replyParts, splitForCard, toDingtalkMarkdown, truncateUtf8, type DingtalkReplyFormat } from './render.js';
import type { DingtalkDelivery } from './sender.js';

export interface CardStreamTuning {
  /** Minimum spacing of streaming updates. @defaultValue 500 */
  updateIntervalMs?: number;
  /** Bytes of the answer the card holds. @defaultValue 3000 */
  cardMaxBytes?: number;
  /** Largest growth of the card's text per update. @defaultValue 1024 */
  maxGrowthBytes?: number;
}

export interface CardStreamOptions {
  target: DingtalkReplyTarget;
  botId: string;
  templateId: string;
  contentKey: string;
  format: DingtalkReplyFormat;
  api: DingtalkApiClient;
  kv: KeyValueStore;
  logger: Logger;
  delivery: DingtalkDelivery;
  clock: () => number;
  tuning?: CardStreamTuning;
}

const CARD_TTL_MS = 3_600_000;
/** AI-card flow status "processing": the template shows its thinking state. */
const FLOW_PROCESSING = '1';
const INTERRUPTED_TEXT = '⚠️ Interrupted — the answer follows in a new card.';

/** Where an attempt records the card it opened, so the next attempt can close it if this one dies. */
export const openCardKey = (botId: string, msgId: string) => `dingtalk:card:open:${botId}:${msgId}`;
/** The delivery part of a finalized card: it shows the first part of the answer (`text: true`). */
export const CARD_PART = 'card';

export function openSpaceOf(target: DingtalkReplyTarget): string | undefined {
  if (target.conversationType === 'group') return `dtv1.card//IM_GROUP.${target.conversationId}`;
  return target.isStaff ? `dtv1.card//IM_ROBOT.${target.userId}` : undefined;
}

export async function openCardStream(opts: CardStreamOptions): Promise<ReplyStream> {
  const { target, api, kv, logger } = opts;
  const msgKey = target.msgId || randomUUID();
  await closeAbandonedCard(opts, msgKey);

  const openSpaceId = openSpaceOf(target);
  if (!openSpaceId) return bufferedStream(opts);
  const outTrackId = `sb_${createHash('sha256').update(`${opts.botId}\n${msgKey}`).digest('hex').slice(0, 16)}_${randomBytes(4).toString('hex')}`;
  const group = target.conversationType === 'group';
  try {
    await api.createAndDeliverCard({
      cardTemplateId: opts.templateId,
      outTrackId,
      callbackType: 'STREAM',
      cardData: { cardParamMap: { [opts.contentKey]: '', flowStatus: FLOW_PROCESSING } },
      openSpaceId,
      userIdType: 1,
      ...(group
        ? { imGroupOpenSpaceModel: { supportForward: true }, imGroupOpenDeliverModel: { robotCode: target.robotCode } }
        : { imRobotOpenSpaceModel: { supportForward: true }, imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: target.robotCode } }),
    });
  } catch (err) {
    logger.warn({ botId: opts.botId, code: (err as { code?: string }).code, err: (err as Error).message }, 'dingtalk AI card not created; the answer is sent as messages');
    return bufferedStream(opts);
  }
  await kv.set(openCardKey(opts.botId, msgKey), outTrackId, CARD_TTL_MS);
  return new CardStream(opts, outTrackId, msgKey);
}

/** A previous attempt of this message died with its card open: show it as interrupted. */
async function closeAbandonedCard(opts: CardStreamOptions, msgKey: string): Promise<void> {
  const key = openCardKey(opts.botId, msgKey);
  const previous = await opts.kv.get(key);
  if (!previous) return;
  try {
    await opts.api.streamCard({ outTrackId: previous, guid: randomUUID(), key: opts.contentKey, content: INTERRUPTED_TEXT, isFull: true, isFinalize: true, isError: true });
  } catch (err) {
    opts.logger.warn({ botId: opts.botId, code: (err as { code?: string }).code }, 'dingtalk: could not close the card of an interrupted attempt');
  }
  await opts.kv.delete(key);
}

/** No card: nothing to show while the workflow runs; the answer goes out as messages at the end. */
function bufferedStream(opts: CardStreamOptions): ReplyStream {
  const send = (reply: Reply, progress: DeliveryProgress = new DeliveryLog()) => {
    const { text, uploads } = replyParts(reply, opts.format);
    return opts.delivery.deliver(opts.target, text, uploads, progress);
  };
  // Nothing was shown, so an interrupted attempt has nothing to take back.
  return { push: () => undefined, finish: send, fail: send, interrupt: async () => undefined };
}

class CardStream implements ReplyStream {
  private latest = '';
  private shown = '';
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private lastUpdateAt = Number.NEGATIVE_INFINITY;
  private readonly interval: number;
  private readonly cardMaxBytes: number;
  private readonly maxGrowth: number;

  constructor(
    private readonly opts: CardStreamOptions,
    private readonly outTrackId: string,
    private readonly msgKey: string,
  ) {
    this.interval = opts.tuning?.updateIntervalMs ?? 500;
    this.cardMaxBytes = opts.tuning?.cardMaxBytes ?? DINGTALK_CARD_LIMIT_BYTES;
    this.maxGrowth = opts.tuning?.maxGrowthBytes ?? 1024;
  }

  push(textSoFar: string): void {
    if (this.closed) return;
    this.latest = textSoFar;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    const wait = Math.max(0, this.lastUpdateAt + this.interval - this.opts.clock());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.chain = this.chain.then(() => this.update()).catch((err: unknown) => {
        this.opts.logger.warn({ botId: this.opts.botId, code: (err as { code?: string }).code }, 'dingtalk AI card update failed; the final answer will still be sent');
      });
    }, wait);
    this.timer.unref?.();
  }

  /** One throttled update: the cumulative text, growing by at most `maxGrowth` bytes. */
  private async update(): Promise<void> {
    if (this.closed) return;
    const full = splitForCard(toDingtalkMarkdown(this.latest), this.cardMaxBytes).card;
    const room = utf8Len(this.shown) + this.maxGrowth;
    const content = utf8Len(full) > room ? truncateUtf8(full, room, '') : full;
    if (content === this.shown || content.trim() === '') return;
    this.lastUpdateAt = this.opts.clock();
    await this.put(content, { isFinalize: false, isError: false });
    this.shown = content;
    if (content !== full) this.schedule();
  }

  private put(content: string, flags: { isFinalize: boolean; isError: boolean }): Promise<void> {
    return this.opts.api.streamCard({ outTrackId: this.outTrackId, guid: randomUUID(), key: this.opts.contentKey, content, isFull: true, ...flags });
  }

  /** Stops the throttle and waits for the update in flight. */
  private async settle(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  async finish(reply: Reply, progress: DeliveryProgress = new DeliveryLog()): Promise<SentRef> {
    await this.settle();
    const { text, uploads } = replyParts(reply, this.opts.format);
    const { card, rest } = splitForCard(text, this.cardMaxBytes);
    await this.put(card, { isFinalize: true, isError: false });
    await progress.record(CARD_PART, { text: true, ids: [this.outTrackId], data: { outTrackId: this.outTrackId } });
    await this.forget();
    let restRef: SentRef | undefined;
    if (rest.trim() || uploads.length) restRef = await this.opts.delivery.deliver(this.opts.target, rest, uploads, progress, 'rest');
    return { platformMessageId: this.outTrackId, data: { outTrackId: this.outTrackId, card: true, ...(restRef ? { rest: restRef.data } : {}) } };
  }

  /**
   * Another attempt follows: the card shows the note in its error state and is closed. Not final for the user — the
   * next attempt delivers its answer in a card of its own. Should closing fail, the card stays noted as open and
   * the next attempt closes it.
   */
  async interrupt(note: string): Promise<void> {
    await this.settle();
    await this.put(truncateUtf8(renderDingtalkText(note, this.opts.format), this.cardMaxBytes), { isFinalize: true, isError: true });
    await this.forget();
  }

  /** The run failed for good: the card shows the fallback text in its error state (not the answer: no `text`). */
  async fail(reply: Reply, progress?: DeliveryProgress): Promise<SentRef> {
    await this.settle();
    const content = truncateUtf8(renderDingtalkText(reply.text, this.opts.format), this.cardMaxBytes);
    await this.put(content, { isFinalize: true, isError: true });
    await progress?.record(CARD_PART, { ids: [this.outTrackId], data: { outTrackId: this.outTrackId, error: true } });
    await this.forget();
    return { platformMessageId: this.outTrackId, data: { outTrackId: this.outTrackId, card: true, error: true } };
  }

  /** The card is closed: the next attempt has nothing to clean up. */
  private forget(): Promise<void> {
    return this.opts.kv.delete(openCardKey(this.opts.botId, this.msgKey));
  }
}
