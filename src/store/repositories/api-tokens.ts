import type { ApiToken } from '../../generated/sqlite/client.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';

export type { ApiToken };

/** Personal API tokens. Only the sha256 of a token is stored; the token is shown once, when it is made. */
export class ApiTokenRepository {
  constructor(private readonly db: Db) {}

  create(input: { userId: string; tenantId: string; name: string; role: string; tokenHash: string; expiresAt: Date | null }): Promise<ApiToken> {
    return this.db.apiToken.create({ data: { id: newId(), ...input } });
  }

  /** The token of that hash unless it expired at `now`. */
  findValid(tokenHash: string, now: Date = new Date()): Promise<ApiToken | null> {
    return this.db.apiToken.findFirst({ where: { tokenHash, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } });
  }

  get(tenantId: string, id: string): Promise<ApiToken | null> {
    return this.db.apiToken.findFirst({ where: { id, tenantId } });
  }

  /** The tenant's tokens, of one user or of everyone, newest first. */
  list(tenantId: string, userId?: string): Promise<ApiToken[]> {
    return this.db.apiToken.findMany({ where: { tenantId, ...(userId ? { userId } : {}) }, orderBy: { id: 'desc' } });
  }

  async touch(id: string, at: Date = new Date()): Promise<void> {
    await this.db.apiToken.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const { count } = await this.db.apiToken.deleteMany({ where: { id, tenantId } });
    return count === 1;
  }

  /** A member who leaves a tenant takes their tokens for it along. */
  async deleteForMember(tenantId: string, userId: string): Promise<number> {
    return (await this.db.apiToken.deleteMany({ where: { tenantId, userId } })).count;
  }
}
