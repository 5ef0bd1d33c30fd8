import { Prisma, type Message } from '../../generated/sqlite/client.js';
import type { Db } from '../client.js';
import { StoreError } from '../errors.js';
import { newId } from '../ids.js';

export type { Message };

export type MessageStatus = 'queued' | 'running' | 'awaiting_approval' | 'replied' | 'failed' | 'ignored';

export interface NewMessage {
  tenantId: string;
  botId: string;
  platform: string;
  platformMessageId: string;
  conversationKey: string;
  senderId: string;
  senderName?: string;
  text: string;
  /** JSON object: the normalized message's fields without a column (conversation, attachments, replyTarget). */
  payload: Record<string, unknown>;
  traceId?: string;
  receivedAt: Date;
}

export interface InsertedMessage {
  id: string;
  platformMessageId: string;
  /** True when (botId, platformMessageId) was already stored, or appeared earlier in the same batch. */
  duplicate: boolean;
}

export interface StatusUpdate {
  /** undefined leaves the column as it is; null clears it. */
  errorCode?: string | null;
  lastError?: string | null;
  /** Stamps finishedAt. */
  finished?: boolean;
}

export interface MessagePage {
  items: Message[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Statuses that hold later messages of the same conversation back. */
const IN_FLIGHT: MessageStatus[] = ['queued', 'running'];
/** 16 bound values per row keeps a chunk far below SQLite's and PostgreSQL's parameter limits. */
const INSERT_CHUNK_ROWS = 500;

const keyOf = (botId: string, platformMessageId: string) => `${botId}\u0000${platformMessageId}`;

export class MessageRepository {
  constructor(private readonly db: Db) {}

  /**
   * Persists new messages as `queued`, deduplicated on (botId, platformMessageId): one
   * `INSERT ... ON CONFLICT DO NOTHING RETURNING` per chunk, then one lookup for the ids of the duplicates.
   * Answers in input order.
   */
  async insertBatch(rows: NewMessage[]): Promise<InsertedMessage[]> {
    const firstIndexByKey = new Map<string, number>();
    const fresh: { row: NewMessage; id: string }[] = [];
    for (const [index, row] of rows.entries()) {
      const key = keyOf(row.botId, row.platformMessageId);
      if (firstIndexByKey.has(key)) continue;
      firstIndexByKey.set(key, index);
      fresh.push({ row, id: newId() });
    }

    const insertedKeys = new Set<string>();
    for (let start = 0; start < fresh.length; start += INSERT_CHUNK_ROWS) {
      for (const r of await this.insertChunk(fresh.slice(start, start + INSERT_CHUNK_ROWS))) insertedKeys.add(keyOf(r.botId, r.platformMessageId));
    }

    const idByKey = new Map<string, string>();
    for (const { row, id } of fresh) {
      const key = keyOf(row.botId, row.platformMessageId);
      if (insertedKeys.has(key)) idByKey.set(key, id);
    }
    const missing = fresh.filter(({ row }) => !insertedKeys.has(keyOf(row.botId, row.platformMessageId))).map(({ row }) => row);
    for (const found of await this.findIdsOf(missing)) idByKey.set(keyOf(found.botId, found.platformMessageId), found.id);

    return rows.map((row, index) => {
      const key = keyOf(row.botId, row.platformMessageId);
      const id = idByKey.get(key);
      if (id === undefined) throw new StoreError('row_invalid', `message ${row.platformMessageId} of bot ${row.botId} conflicted but is gone`);
      return { id, platformMessageId: row.platformMessageId, duplicate: !insertedKeys.has(key) || firstIndexByKey.get(key) !== index };
    });
  }

  getForWorker(id: string): Promise<Message | null> {
    return this.db.message.findUnique({ where: { id } });
  }

  /** Atomically moves the message from one of `from` to `to`; true when this call did. `running` counts an attempt. */
  async claimForWorker(id: string, from: string[], to: string): Promise<boolean> {
    const { count } = await this.db.message.updateMany({
      where: { id, status: { in: from } },
      data: { status: to, ...(to === 'running' ? { attempts: { increment: 1 } } : {}) },
    });
    return count === 1;
  }

  async setStatusForWorker(id: string, status: MessageStatus, update: StatusUpdate = {}): Promise<void> {
    await this.db.message.updateMany({
      where: { id },
      data: {
        status,
        ...(update.errorCode !== undefined ? { errorCode: update.errorCode } : {}),
        ...(update.lastError !== undefined ? { lastError: update.lastError } : {}),
        ...(update.finished ? { finishedAt: new Date() } : {}),
      },
    });
  }

  /** True when no earlier message (smaller id) of the conversation is still queued or running. */
  async isHeadOfConversation(conversationKey: string, id: string): Promise<boolean> {
    const earlier = await this.db.message.count({ where: { conversationKey, id: { lt: id }, status: { in: IN_FLIGHT } } });
    return earlier === 0;
  }

  /** Ids in the given statuses, oldest first (the sweep and restart recovery); `afterId` pages on. */
  async findIdsByStatus(statuses: string[], opts: { updatedBefore?: Date; limit: number; afterId?: string }): Promise<string[]> {
    const rows = await this.db.message.findMany({
      where: {
        status: { in: statuses },
        ...(opts.updatedBefore ? { updatedAt: { lt: opts.updatedBefore } } : {}),
        ...(opts.afterId ? { id: { gt: opts.afterId } } : {}),
      },
      orderBy: { id: 'asc' },
      take: opts.limit,
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  /** Newest first. */
  async list(tenantId: string, opts: { status?: string; botId?: string; limit: number; cursor?: string }): Promise<MessagePage> {
    const items = await this.db.message.findMany({
      where: {
        tenantId,
        ...(opts.status ? { status: opts.status } : {}),
        ...(opts.botId ? { botId: opts.botId } : {}),
        ...(opts.cursor ? { id: { lt: opts.cursor } } : {}),
      },
      orderBy: { id: 'desc' },
      take: opts.limit + 1,
    });
    const more = items.length > opts.limit;
    const page = more ? items.slice(0, opts.limit) : items;
    return { items: page, nextCursor: more ? (page.at(-1)?.id ?? null) : null };
  }

  get(tenantId: string, id: string): Promise<Message | null> {
    return this.db.message.findFirst({ where: { id, tenantId } });
  }

  /** Message counts per status, for one tenant or (no tenantId) all of them. */
  async countByStatus(tenantId?: string): Promise<Record<string, number>> {
    const groups = await this.db.message.groupBy({ by: ['status'], where: tenantId ? { tenantId } : {}, _count: { _all: true } });
    return Object.fromEntries(groups.map((group) => [group.status, group._count._all]));
  }

  private async insertChunk(chunk: { row: NewMessage; id: string }[]): Promise<{ botId: string; platformMessageId: string }[]> {
    if (chunk.length === 0) return [];
    const now = new Date();
    const values = chunk.map(
      ({ row, id }) => Prisma.sql`(${id}, ${row.tenantId}, ${row.botId}, ${row.platform}, ${row.platformMessageId}, ${row.conversationKey},
        ${row.senderId}, ${row.senderName ?? null}, ${row.text}, ${JSON.stringify(row.payload)}, 'queued', 0, ${row.traceId ?? null},
        ${row.receivedAt}, ${now}, ${now})`,
    );
    return this.db.$queryRaw<{ botId: string; platformMessageId: string }[]>`
      INSERT INTO messages (id, tenant_id, bot_id, platform, platform_message_id, conversation_key, sender_id, sender_name, text,
        payload, status, attempts, trace_id, received_at, created_at, updated_at)
      VALUES ${Prisma.join(values)}
      ON CONFLICT (bot_id, platform_message_id) DO NOTHING
      RETURNING bot_id AS "botId", platform_message_id AS "platformMessageId"`;
  }

  private async findIdsOf(rows: NewMessage[]): Promise<{ id: string; botId: string; platformMessageId: string }[]> {
    if (rows.length === 0) return [];
    const byBot = new Map<string, string[]>();
    for (const row of rows) byBot.set(row.botId, [...(byBot.get(row.botId) ?? []), row.platformMessageId]);
    return this.db.message.findMany({
      where: { OR: [...byBot].map(([botId, ids]) => ({ botId, platformMessageId: { in: ids } })) },
      select: { id: true, botId: true, platformMessageId: true },
    });
  }
}
