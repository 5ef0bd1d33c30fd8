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

  count(): Promise<number> {
    return this.db.user.count();
  }

  /** A user who cannot sign in until they set a password with the one-time token whose hash is given. */
  createInvited(input: { email: string; name: string; passwordTokenHash: string; passwordTokenExpiresAt: Date }): Promise<User> {
    return this.db.user.create({ data: { id: newId(), ...input, email: normalizeEmail(input.email), passwordHash: '' } });
  }

  /** The user whose unexpired set-password token has that hash. */
  findByPasswordToken(passwordTokenHash: string, now: Date = new Date()): Promise<User | null> {
    return this.db.user.findFirst({ where: { passwordTokenHash, passwordTokenExpiresAt: { gt: now } } });
  }

  async setPasswordToken(id: string, passwordTokenHash: string, passwordTokenExpiresAt: Date): Promise<void> {
    await this.db.user.update({ where: { id }, data: { passwordTokenHash, passwordTokenExpiresAt } });
  }

  /** Sets the password hash and spends any set-password token. */
  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.db.user.update({ where: { id }, data: { passwordHash, passwordTokenHash: null, passwordTokenExpiresAt: null } });
  }
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
