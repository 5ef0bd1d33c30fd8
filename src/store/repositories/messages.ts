import type { SqliteWriter } from '../sqlite-writer.js';
import type { Message } from '../../generated/sqlite/client.js';
import { SQLITE_BUSY_WAIT_MS, type Db } from '../client.js';
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
  warning?: string | null;
  /** Stamps finishedAt. */
  finished?: boolean;
}

export interface InsertOptions {
  /**
   * How long the write may wait for the database (SQLite: for another writer's lock, on the writer thread); past
   * it the insert fails and nothing is written. @defaultValue SQLITE_BUSY_WAIT_MS
   */
  timeoutMs?: number;
}

export interface MessagePage {
  items: Message[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Statuses that hold later messages of the same conversation back. */
const IN_FLIGHT: MessageStatus[] = ['queued', 'running'];
/** Queued messages looked through when waking a conversation's next message (see nextQueuedInConversation). */
const WAKE_WINDOW = 1000;
/** Rows per INSERT (JSON paths) or per writer-thread transaction: only bounds the size of one write. */
const INSERT_CHUNK_ROWS = 500;

/**
 * SQLite keeps DateTime as ISO text with "+00:00" (the Prisma adapter's iso8601 format); `WHERE true` resolves the
 * INSERT ... SELECT ... ON CONFLICT parsing ambiguity.
 */
const SQLITE_INSERT_FROM_JSON = `
  INSERT INTO messages (id, tenant_id, bot_id, platform, platform_message_id, conversation_key, sender_id, sender_name, text,
    payload, status, attempts, trace_id, received_at, created_at, updated_at)
  SELECT r.value ->> 'id', r.value ->> 'tenant_id', r.value ->> 'bot_id', r.value ->> 'platform', r.value ->> 'platform_message_id',
    r.value ->> 'conversation_key', r.value ->> 'sender_id', r.value ->> 'sender_name', r.value ->> 'text', r.value ->> 'payload',
    'queued', 0, r.value ->> 'trace_id', replace(r.value ->> 'received_at', 'Z', '+00:00'),
    replace(r.value ->> 'now', 'Z', '+00:00'), replace(r.value ->> 'now', 'Z', '+00:00')
  FROM json_each(?) AS r WHERE true
  ON CONFLICT (bot_id, platform_message_id) DO NOTHING
  RETURNING bot_id AS "botId", platform_message_id AS "platformMessageId"`;

/** The writer thread's statement: one row, bound positionally. */
const SQLITE_INSERT_ROW = `
  INSERT INTO messages (id, tenant_id, bot_id, platform, platform_message_id, conversation_key, sender_id, sender_name, text,
    payload, status, attempts, trace_id, received_at, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)
  ON CONFLICT (bot_id, platform_message_id) DO NOTHING`;

/** SQLite keeps DateTime as ISO text with "+00:00" (the Prisma adapter's iso8601 format). */
const sqliteTime = (iso: string) => `${iso.slice(0, -1)}+00:00`;

const keyOf = (botId: string, platformMessageId: string) => `${botId}\u0000${platformMessageId}`;

export class MessageRepository {
  constructor(
    private readonly db: Db,
    private readonly provider: 'sqlite' | 'postgresql' = 'sqlite',
    private readonly sqliteWriter?: () => SqliteWriter,
  ) {}

  /**
   * Persists new messages as `queued`, deduplicated on (botId, platformMessageId): the first occurrence of each key
   * in the batch is written with `ON CONFLICT DO NOTHING`, then one lookup finds the ids of those that conflicted.
   * Answers in input order; repeats within the batch answer with their first occurrence's id, as duplicates.
   */
  async insertBatch(rows: NewMessage[], opts: InsertOptions = {}): Promise<InsertedMessage[]> {
    const slotByKey = new Map<string, number>();
    /** For each input row: its index in `fresh`, and whether an earlier row of the batch has the same key. */
    const slots: number[] = [];
    const repeats: boolean[] = [];
    const fresh: { row: NewMessage; id: string }[] = [];
    for (const row of rows) {
      const key = keyOf(row.botId, row.platformMessageId);
      const seen = slotByKey.get(key);
      repeats.push(seen !== undefined);
      if (seen !== undefined) {
        slots.push(seen);
        continue;
      }
      slotByKey.set(key, fresh.length);
      slots.push(fresh.length);
      fresh.push({ row, id: newId() });
    }

    const inserted: boolean[] = [];
    for (let start = 0; start < fresh.length; start += INSERT_CHUNK_ROWS) {
      inserted.push(...(await this.insertChunk(fresh.slice(start, start + INSERT_CHUNK_ROWS), opts.timeoutMs ?? SQLITE_BUSY_WAIT_MS)));
    }
    const ids = fresh.map((f) => f.id);
    const conflicted = fresh.filter((_, slot) => !inserted[slot]);
    if (conflicted.length > 0) {
      const stored = new Map((await this.findIdsOf(conflicted.map((f) => f.row))).map((m) => [keyOf(m.botId, m.platformMessageId), m.id]));
      fresh.forEach(({ row }, slot) => {
        if (inserted[slot]) return;
        const id = stored.get(keyOf(row.botId, row.platformMessageId));
        if (id === undefined) throw new StoreError('row_invalid', `message ${row.platformMessageId} of bot ${row.botId} conflicted but is gone`);
        ids[slot] = id;
      });
    }

    return rows.map((row, index) => {
      const slot = slots[index]!;
      return { id: ids[slot]!, platformMessageId: row.platformMessageId, duplicate: repeats[index]! || !inserted[slot] };
    });
  }

  getForWorker(id: string): Promise<Message | null> {
    return this.db.message.findUnique({ where: { id } });
  }

  /**
   * Atomically moves the message from one of `from` to `to`; true when this call did. `running` takes a try from
   * the retry budget; `firstAttemptAt` is stamped by the first claim (the caller saw none on the row).
   */
  async claimForWorker(id: string, from: string[], to: string, opts: { firstAttemptAt?: Date } = {}): Promise<boolean> {
    const { count } = await this.db.message.updateMany({
      where: { id, status: { in: from } },
      data: {
        status: to,
        ...(to === 'running' ? { attempts: { increment: 1 } } : {}),
        ...(opts.firstAttemptAt ? { firstAttemptAt: opts.firstAttemptAt } : {}),
      },
    });
    return count === 1;
  }

  /** One more try taken from the retry budget (a retry inside a processing attempt). */
  async addAttempt(id: string): Promise<void> {
    await this.db.message.updateMany({ where: { id }, data: { attempts: { increment: 1 } } });
  }

  async setStatusForWorker(id: string, status: MessageStatus, update: StatusUpdate = {}): Promise<void> {
    await this.db.message.updateMany({
      where: { id },
      data: {
        status,
        ...(update.errorCode !== undefined ? { errorCode: update.errorCode } : {}),
        ...(update.lastError !== undefined ? { lastError: update.lastError } : {}),
        ...(update.warning !== undefined ? { warning: update.warning } : {}),
        ...(update.finished ? { finishedAt: new Date() } : {}),
      },
    });
  }

  /**
   * The oldest message after `afterId` in the conversation that is still queued: the next one to run, looked for
   * among the next WAKE_WINDOW queued messages in arrival order (the index holds no per-conversation order; see
   * the schema). A deferred successor sits near the front of that window, because queues hand out messages in
   * arrival order; one further back is not woken early and runs when its deferral ends.
   */
  async nextQueuedInConversation(conversationKey: string, afterId: string): Promise<string | null> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      SELECT w.id FROM (
        SELECT id, conversation_key FROM messages WHERE status = 'queued' AND id > ${afterId} ORDER BY status, id LIMIT ${WAKE_WINDOW}
      ) AS w
      WHERE w.conversation_key = ${conversationKey} ORDER BY w.id LIMIT 1`;
    return rows[0]?.id ?? null;
  }

  /**
   * True when no earlier message (smaller id) of the conversation is still queued or running. Walks the unfinished
   * messages older than `id` in arrival order on the (status, id, conversation_key) index and stops at the first
   * one of this conversation; with queues handing out messages in arrival order, few unfinished ones are older.
   */
  async isHeadOfConversation(conversationKey: string, id: string): Promise<boolean> {
    const earlier = await this.db.message.findFirst({
      where: { status: { in: IN_FLIGHT }, id: { lt: id }, conversationKey },
      select: { id: true },
    });
    return earlier === null;
  }

  /**
   * Ids in the given statuses, oldest first (the sweep and restart recovery); `afterId` pages on. One ordered index
   * range per status, merged here: a single `status IN (…) ORDER BY id` would read and sort every match of a backlog.
   */
  async findIdsByStatus(statuses: string[], opts: { updatedBefore?: Date; limit: number; afterId?: string }): Promise<string[]> {
    const perStatus = await Promise.all(
      statuses.map((status) =>
        this.db.message.findMany({
          where: {
            status,
            ...(opts.updatedBefore ? { updatedAt: { lt: opts.updatedBefore } } : {}),
            ...(opts.afterId ? { id: { gt: opts.afterId } } : {}),
          },
          orderBy: { id: 'asc' },
          take: opts.limit,
          select: { id: true },
        }),
      ),
    );
    const ids = perStatus.flat().map((row) => row.id);
    return (perStatus.length > 1 ? ids.sort() : ids).slice(0, opts.limit);
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

  /**
   * Inserts one chunk of rows whose keys are distinct; answers which of them were inserted (the rest conflicted).
   * - SQLite with a writer thread: one prepared single-row INSERT bound per row, in one transaction, off the event
   *   loop; waiting for another writer's lock at most `timeoutMs`, then failing (the caller answers 503).
   * - Otherwise one INSERT with the rows as a single JSON parameter, expanded by the database (`json_each` on SQLite,
   *   `json_to_recordset` on PostgreSQL): binding 16 values per row through Prisma made the driver layer, not the
   *   database, the cost of the hot path.
   */
  private async insertChunk(chunk: { row: NewMessage; id: string }[], timeoutMs: number): Promise<boolean[]> {
    if (chunk.length === 0) return [];
    const now = new Date().toISOString();
    if (this.sqliteWriter) {
      const sqliteNow = sqliteTime(now);
      try {
        const changes = await this.sqliteWriter().runEach(
          SQLITE_INSERT_ROW,
          chunk.map(({ row, id }) => [
            id,
            row.tenantId,
            row.botId,
            row.platform,
            row.platformMessageId,
            row.conversationKey,
            row.senderId,
            row.senderName ?? null,
            row.text,
            JSON.stringify(row.payload),
            row.traceId ?? null,
            sqliteTime(row.receivedAt.toISOString()),
            sqliteNow,
            sqliteNow,
          ]),
          { timeoutMs },
        );
        return changes.map((n) => n === 1);
      } catch (err) {
        // Only a thread that is gone sends the write to Prisma's path (which waits without blocking the event loop
        // too). A busy database is the caller's answer: waiting longer would outlast the platform's ack deadline.
        if ((err as { code?: string }).code !== 'WRITER_GONE') throw err;
      }
    }
    const rows = JSON.stringify(
      chunk.map(({ row, id }) => ({
        id,
        tenant_id: row.tenantId,
        bot_id: row.botId,
        platform: row.platform,
        platform_message_id: row.platformMessageId,
        conversation_key: row.conversationKey,
        sender_id: row.senderId,
        sender_name: row.senderName ?? null,
        text: row.text,
        payload: this.provider === 'sqlite' ? JSON.stringify(row.payload) : row.payload,
        trace_id: row.traceId ?? null,
        received_at: row.receivedAt.toISOString(),
        now,
      })),
    );
    const inserted =
      this.provider === 'postgresql'
        ? // timestamp(3) without time zone, like Prisma's columns: the ISO text's 'Z' is dropped, the UTC digits kept.
          await this.db.$queryRaw<{ botId: string; platformMessageId: string }[]>`
        INSERT INTO messages (id, tenant_id, bot_id, platform, platform_message_id, conversation_key, sender_id, sender_name, text,
          payload, status, attempts, trace_id, received_at, created_at, updated_at)
        SELECT r.id, r.tenant_id, r.bot_id, r.platform, r.platform_message_id, r.conversation_key, r.sender_id, r.sender_name, r.text,
          r.payload, 'queued', 0, r.trace_id, r.received_at, r.now, r.now
        FROM json_to_recordset(${rows}::json) AS r(id text, tenant_id text, bot_id text, platform text, platform_message_id text,
          conversation_key text, sender_id text, sender_name text, text text, payload jsonb, trace_id text,
          received_at timestamp(3), now timestamp(3))
        ON CONFLICT (bot_id, platform_message_id) DO NOTHING
        RETURNING bot_id AS "botId", platform_message_id AS "platformMessageId"`
        : await this.db.$queryRawUnsafe<{ botId: string; platformMessageId: string }[]>(SQLITE_INSERT_FROM_JSON, rows);
    const insertedKeys = new Set(inserted.map((r) => keyOf(r.botId, r.platformMessageId)));
    return chunk.map(({ row }) => insertedKeys.has(keyOf(row.botId, row.platformMessageId)));
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
