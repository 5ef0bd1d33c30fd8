import type { User } from '../../generated/sqlite/client.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';

export type { User };

/** Users are global (one login, many tenants through memberships); tenant-scoped reads go through memberships. */
export class UserRepository {
  constructor(private readonly db: Db) {}

  create(input: { email: string; name: string; passwordHash: string; isSuperAdmin?: boolean }): Promise<User> {
    return this.db.user.create({ data: { id: newId(), ...input, email: normalizeEmail(input.email) } });
  }

  get(id: string): Promise<User | null> {
    return this.db.user.findUnique({ where: { id } });
  }

  getByEmail(email: string): Promise<User | null> {
    return this.db.user.findUnique({ where: { email: normalizeEmail(email) } });
  }

  /** The users who are members of the tenant. */
  listForTenant(tenantId: string): Promise<User[]> {
    return this.db.user.findMany({ where: { memberships: { some: { tenantId } } }, orderBy: { email: 'asc' } });
  }

  async recordLogin(id: string, at: Date = new Date()): Promise<void> {
    await this.db.user.update({ where: { id }, data: { lastLoginAt: at } });
  }
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
