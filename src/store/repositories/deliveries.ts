import type { Delivery } from '../../generated/sqlite/client.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { toNullableJsonInput } from '../json.js';

export type { Delivery };

export type DeliveryKind = 'reply' | 'fallback' | 'notice';

export class DeliveryRepository {
  constructor(private readonly db: Db) {}

  /** Records a send about to happen (status pending). */
  async start(input: { tenantId: string; messageId: string; runId: string | null; kind: DeliveryKind }): Promise<string> {
    const id = newId();
    await this.db.delivery.create({ data: { id, ...input, status: 'pending', attempts: 1 } });
    return id;
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
