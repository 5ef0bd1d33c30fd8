import type { Membership } from '../../generated/sqlite/client.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';

export type { Membership };

export type Role = 'admin' | 'builder' | 'operator';

export class MembershipRepository {
  constructor(private readonly db: Db) {}

  /** Adds the user to the tenant, or changes their role there. */
  async grant(input: { tenantId: string; userId: string; role: Role }): Promise<Membership> {
    return this.db.membership.upsert({
      where: { userId_tenantId: { userId: input.userId, tenantId: input.tenantId } },
      create: { id: newId(), ...input },
      update: { role: input.role },
    });
  }

  get(tenantId: string, userId: string): Promise<Membership | null> {
    return this.db.membership.findUnique({ where: { userId_tenantId: { userId, tenantId } } });
  }

  listForTenant(tenantId: string): Promise<Membership[]> {
    return this.db.membership.findMany({ where: { tenantId }, orderBy: { id: 'asc' } });
  }

  listForUser(userId: string): Promise<Membership[]> {
    return this.db.membership.findMany({ where: { userId }, orderBy: { id: 'asc' } });
  }

  countAdmins(tenantId: string): Promise<number> {
    return this.db.membership.count({ where: { tenantId, role: 'admin' } });
  }

  async revoke(tenantId: string, userId: string): Promise<boolean> {
    const { count } = await this.db.membership.deleteMany({ where: { tenantId, userId } });
    return count === 1;
  }
}
