import type { Delivery } from '../../generated/sqlite/client.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { toNullableJsonInput } from '../json.js';

export type { Delivery };

export type DeliveryKind = 'reply' | 'fallback' | 'notice';

export class DeliveryRepository {
  constructor(private readonly db: Db) {}

  /** Records a send about to happen (status pending), with the parts earlier attempts delivered (`progress`). */
  async start(input: { tenantId: string; messageId: string; runId: string | null; kind: DeliveryKind; progress?: unknown }): Promise<string> {
    const id = newId();
    const { progress, ...row } = input;
    await this.db.delivery.create({ data: { id, ...row, progress: toNullableJsonInput(progress ?? null), status: 'pending', attempts: 1 } });
    return id;
  }

  /** The parts of the reply on the platform so far, as recorded by the sender (JSON). */
  async recordProgress(id: string, progress: unknown): Promise<void> {
    await this.db.delivery.update({ where: { id }, data: { progress: toNullableJsonInput(progress) } });
  }

  /** The progress of the latest delivery of that kind (each attempt starts from the one before): null when none. */
  async progressOf(messageId: string, kind: DeliveryKind): Promise<unknown> {
    const latest = await this.db.delivery.findFirst({ where: { messageId, kind }, orderBy: { id: 'desc' }, select: { progress: true } });
    return latest?.progress ?? null;
  }

  async markSent(id: string, input: { platformMessageId: string; ref: unknown }): Promise<void> {
    await this.db.delivery.update({
      where: { id },
      data: { status: 'sent', platformMessageId: input.platformMessageId, ref: toNullableJsonInput(input.ref), errorCode: null, error: null },
    });
  }

  async markFailed(id: string, input: { errorCode: string; error: string }): Promise<void> {
    await this.db.delivery.update({ where: { id }, data: { status: 'failed', errorCode: input.errorCode, error: input.error } });
  }

  /** The latest sent delivery of that kind: a retried job must not send it twice. */
  findSentForWorker(messageId: string, kind: DeliveryKind): Promise<Delivery | null> {
    return this.db.delivery.findFirst({ where: { messageId, kind, status: 'sent' }, orderBy: { id: 'desc' } });
  }

  listForMessage(tenantId: string, messageId: string): Promise<Delivery[]> {
    return this.db.delivery.findMany({ where: { tenantId, messageId }, orderBy: { id: 'asc' } });
  }
}
