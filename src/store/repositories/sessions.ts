import type { Session } from '../../generated/sqlite/client.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';

export type { Session };

/** Console sessions. Only the sha256 of a session token is stored; the token lives in the cookie. */
export class SessionRepository {
  constructor(private readonly db: Db) {}

  create(input: { userId: string; tokenHash: string; expiresAt: Date; lastSeenAt?: Date; ip?: string; userAgent?: string }): Promise<Session> {
    return this.db.session.create({ data: { id: newId(), ...input } });
  }

  /** The session of that token hash when it has not expired at `now`. */
  findValid(tokenHash: string, now: Date = new Date()): Promise<Session | null> {
    return this.db.session.findFirst({ where: { tokenHash, expiresAt: { gt: now } } });
  }

  async touch(id: string, at: Date = new Date()): Promise<void> {
    await this.db.session.updateMany({ where: { id }, data: { lastSeenAt: at } });
  }

  async delete(id: string): Promise<void> {
    await this.db.session.deleteMany({ where: { id } });
  }

  async deleteForUser(userId: string): Promise<number> {
    return (await this.db.session.deleteMany({ where: { userId } })).count;
  }

  async deleteExpired(now: Date = new Date()): Promise<number> {
    return (await this.db.session.deleteMany({ where: { expiresAt: { lte: now } } })).count;
  }
}
