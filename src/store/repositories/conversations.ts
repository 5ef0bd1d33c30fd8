import type { Conversation } from '../../generated/sqlite/client.js';
import type { Db } from '../client.js';
import { StoreError } from '../errors.js';
import { newId } from '../ids.js';
import { createOrFetch } from './create-or-fetch.js';

export type { Conversation };

export interface ConversationKey {
  tenantId: string;
  botId: string;
  platformConversationId: string;
  /** '' when there is no thread. */
  threadKey: string;
  /** direct | group */
  type: string;
}

export class ConversationRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The conversation of that (bot, platform conversation, thread), created on first use; touches lastActivityAt. */
  async upsert(input: ConversationKey): Promise<Conversation> {
    const existing = await this.find(input);
    if (existing) return this.touch(existing, input.tenantId);
    const { row, created } = await createOrFetch(
      () => this.db.conversation.create({ data: { id: newId(), ...input, lastActivityAt: this.now() } }),
      () => this.find(input),
    );
    return created ? row : this.touch(row, input.tenantId);
  }

  /**
   * Takes the processing lock when it is free, expired, or already ours (then it is renewed for `ttlMs`).
   * One conditional UPDATE: two workers never both get true.
   */
  async acquireLock(id: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const { count } = await this.db.conversation.updateMany({
      where: { id, OR: [{ lockedBy: null }, { lockedUntil: null }, { lockedUntil: { lt: now } }, { lockedBy: owner }] },
      data: { lockedBy: owner, lockedUntil: new Date(now.getTime() + ttlMs) },
    });
    return count === 1;
  }

  /** Frees the lock if `owner` still holds it (an expired lock taken over by another worker stays theirs). */
  async releaseLock(id: string, owner: string): Promise<void> {
    await this.db.conversation.updateMany({ where: { id, lockedBy: owner }, data: { lockedBy: null, lockedUntil: null } });
  }

  /**
   * Frees every processing lock. Only for a process that knows it is the sole worker (the embedded default at start):
   * locks left by a process that died would otherwise hold their conversations until they expire.
   */
  async releaseAllLocks(): Promise<number> {
    const { count } = await this.db.conversation.updateMany({ where: { lockedBy: { not: null } }, data: { lockedBy: null, lockedUntil: null } });
    return count;
  }

  async setWorkflowConversationId(tenantId: string, id: string, value: string | null): Promise<void> {
    await this.db.conversation.updateMany({ where: { id, tenantId }, data: { workflowConversationId: value } });
  }

  /**
   * Forgets the workflow engine's conversation (its memory of earlier turns): the next message starts a new one.
   * Compare-and-set on the version the caller read; false when the row changed since (or is not there).
   */
  async resetWorkflowConversation(tenantId: string, id: string, expected: Date, updatedAt: Date): Promise<boolean> {
    const { count } = await this.db.conversation.updateMany({ where: { id, tenantId, updatedAt: expected }, data: { workflowConversationId: null, updatedAt } });
    return count === 1;
  }

  get(tenantId: string, id: string): Promise<Conversation | null> {
    return this.db.conversation.findFirst({ where: { id, tenantId } });
  }

  private find(input: ConversationKey): Promise<Conversation | null> {
    const { botId, platformConversationId, threadKey } = input;
    return this.db.conversation.findUnique({ where: { botId_platformConversationId_threadKey: { botId, platformConversationId, threadKey } } });
  }

  private touch(row: Conversation, tenantId: string): Promise<Conversation> {
    if (row.tenantId !== tenantId) throw new StoreError('id_conflict', `conversation ${row.id} belongs to another tenant`);
    return this.db.conversation.update({ where: { id: row.id }, data: { lastActivityAt: this.now() } });
  }
}
