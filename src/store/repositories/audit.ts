import type { AuditLog } from '../../generated/sqlite/client.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { toNullableJsonInput } from '../json.js';

export type { AuditLog };

export interface AuditEntry {
  /** null for actions outside any tenant (users, system). */
  tenantId: string | null;
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  /** Never secrets: callers pass masked values. */
  details?: Record<string, unknown>;
  requestId?: string | null;
  ip?: string | null;
}

export class AuditRepository {
  constructor(private readonly db: Db) {}

  async record(entry: AuditEntry): Promise<string> {
    const id = newId();
    await this.db.auditLog.create({
      data: {
        id,
        tenantId: entry.tenantId,
        actorUserId: entry.actorUserId,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId ?? null,
        details: toNullableJsonInput(entry.details),
        requestId: entry.requestId ?? null,
        ip: entry.ip ?? null,
      },
    });
    return id;
  }

  /** The tenant's entries, newest first; `cursor` is the last id of the previous page. */
  list(tenantId: string, opts: { limit: number; cursor?: string }): Promise<AuditLog[]> {
    return this.db.auditLog.findMany({
      where: { tenantId, ...(opts.cursor ? { id: { lt: opts.cursor } } : {}) },
      orderBy: { id: 'desc' },
      take: opts.limit,
    });
  }
}
