import type { Tenant } from '../../generated/sqlite/client.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { createOrFetch } from './create-or-fetch.js';

export type { Tenant };

export class TenantRepository {
  constructor(private readonly db: Db) {}

  /** Creates the tenant or renames it; concurrent calls with one slug end with one row. */
  async upsertBySlug(input: { slug: string; name: string }): Promise<Tenant> {
    const existing = await this.getBySlug(input.slug);
    if (existing) {
      return existing.name === input.name ? existing : this.db.tenant.update({ where: { id: existing.id }, data: { name: input.name } });
    }
    const { row } = await createOrFetch(
      () => this.db.tenant.create({ data: { id: newId(), slug: input.slug, name: input.name } }),
      () => this.getBySlug(input.slug),
    );
    return row;
  }

  getBySlug(slug: string): Promise<Tenant | null> {
    return this.db.tenant.findUnique({ where: { slug } });
  }

  get(id: string): Promise<Tenant | null> {
    return this.db.tenant.findUnique({ where: { id } });
  }

  list(): Promise<Tenant[]> {
    return this.db.tenant.findMany({ orderBy: { slug: 'asc' } });
  }

  /** Throws Prisma's unique violation (P2002) when the slug is taken. */
  create(input: { slug: string; name: string }): Promise<Tenant> {
    return this.db.tenant.create({ data: { id: newId(), slug: input.slug, name: input.name } });
  }

  /** The tenants the user is a member of. */
  listForUser(userId: string): Promise<Tenant[]> {
    return this.db.tenant.findMany({ where: { memberships: { some: { userId } } }, orderBy: { slug: 'asc' } });
  }

  /** Renames the tenant if it is still at version `expected`; false when it changed (or vanished) meanwhile. */
  async rename(id: string, name: string, expected: Date, next: Date): Promise<boolean> {
    const { count } = await this.db.tenant.updateMany({ where: { id, updatedAt: expected }, data: { name, updatedAt: next } });
    return count === 1;
  }
}
