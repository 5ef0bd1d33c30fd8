import type { Approval } from '../../generated/sqlite/client.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { toNullableJsonInput } from '../json.js';
import { createOrFetch } from './create-or-fetch.js';

export type { Approval };

export type ApprovalDecision = 'approved' | 'rejected' | 'expired';

export class ApprovalRepository {
  constructor(private readonly db: Db) {}

  /** One approval per message: a retried job gets the existing one back. */
  async create(input: { tenantId: string; messageId: string; runId: string | null; draft: string; expiresAt?: Date }): Promise<Approval> {
    const { row } = await createOrFetch(
      () => this.db.approval.create({ data: { id: newId(), ...input, status: 'pending' } }),
      () => this.db.approval.findFirst({ where: { tenantId: input.tenantId, messageId: input.messageId } }),
    );
    return row;
  }

  get(tenantId: string, id: string): Promise<Approval | null> {
    return this.db.approval.findFirst({ where: { id, tenantId } });
  }

  getByMessage(tenantId: string, messageId: string): Promise<Approval | null> {
    return this.db.approval.findFirst({ where: { tenantId, messageId } });
  }

  /** Newest first. */
  list(tenantId: string, opts: { status?: string; limit: number }): Promise<Approval[]> {
    return this.db.approval.findMany({
      where: { tenantId, ...(opts.status ? { status: opts.status } : {}) },
      orderBy: { id: 'desc' },
      take: opts.limit,
    });
  }

  /** Decides a pending approval; false when it was decided already (first decision wins). */
  async decide(tenantId: string, id: string, input: { status: ApprovalDecision; decidedBy: string | null; editedText?: string }): Promise<boolean> {
    const { count } = await this.db.approval.updateMany({
      where: { id, tenantId, status: 'pending' },
      data: { status: input.status, decidedBy: input.decidedBy, decidedAt: new Date(), ...(input.editedText !== undefined ? { editedText: input.editedText } : {}) },
    });
    return count === 1;
  }

  /** Where the approval card was posted (Slack channel + ts, ...), to update it later. */
  async setPostedRef(tenantId: string, id: string, ref: unknown): Promise<void> {
    await this.db.approval.updateMany({ where: { id, tenantId }, data: { postedRef: toNullableJsonInput(ref) } });
  }
}
