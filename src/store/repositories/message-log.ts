import type { Message } from '../../generated/sqlite/client.js';
import type { Db } from '../client.js';
import type { MessagePage } from './messages.js';

export interface MessageSearch {
  botId?: string;
  status?: string;
  /** receivedAt ≥ from */
  from?: Date;
  /** receivedAt < to */
  to?: Date;
  /** Case-insensitive substring of the message text; % and _ match themselves. */
  text?: string;
  limit: number;
  /** The last id of the previous page: the next page holds older messages only. */
  cursor?: string;
}

export type ReplayOutcome = 'replayed' | 'already_queued' | 'already_replied' | 'not_replayable' | 'not_found';

type Provider = 'sqlite' | 'postgresql';

/** How raw SQL of each provider compares a bound point in time with a DateTime column. */
export function timeParam(provider: Provider, date: Date): string {
  const iso = date.toISOString();
  // SQLite keeps DateTime as ISO text with "+00:00"; PostgreSQL as timestamp(3) with the UTC digits.
  return provider === 'sqlite' ? `${iso.slice(0, -1)}+00:00` : iso.slice(0, -1);
}

export function placeholder(provider: Provider, index: number, cast?: 'timestamp'): string {
  if (provider === 'sqlite') return '?';
  return cast ? `CAST($${index} AS timestamp(3))` : `$${index}`;
}

/** LIKE pattern of a substring: the wildcards and the escape character of the text match themselves. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** The operators' view of messages: search with filters, and sending a dead letter back to the queue. */
export class MessageLogRepository {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
  ) {}

  /**
   * Newest first, paged by id (ids are time-ordered): messages arriving between two pages are newer than the
   * cursor, so later pages neither repeat nor skip a row. The filters run in one SQL query (the text search with
   * LIKE on SQLite, ILIKE on PostgreSQL); the page's rows are then read by id.
   */
  async search(tenantId: string, opts: MessageSearch): Promise<MessagePage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (p: string) => string, value: unknown, cast?: 'timestamp') => {
      params.push(value);
      where.push(sql(placeholder(this.provider, params.length, cast)));
    };
    add((p) => `tenant_id = ${p}`, tenantId);
    if (opts.botId) add((p) => `bot_id = ${p}`, opts.botId);
    if (opts.status) add((p) => `status = ${p}`, opts.status);
    if (opts.from) add((p) => `received_at >= ${p}`, timeParam(this.provider, opts.from), 'timestamp');
    if (opts.to) add((p) => `received_at < ${p}`, timeParam(this.provider, opts.to), 'timestamp');
    if (opts.cursor) add((p) => `id < ${p}`, opts.cursor);
    if (opts.text) add((p) => `text ${this.provider === 'postgresql' ? 'ILIKE' : 'LIKE'} ${p} ESCAPE '\\'`, containsPattern(opts.text));
    params.push(opts.limit + 1);
    const sql = `SELECT id FROM messages WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${placeholder(this.provider, params.length)}`;
    const ids = (await this.db.$queryRawUnsafe<{ id: string }[]>(sql, ...params)).map((row) => row.id);
    const more = ids.length > opts.limit;
    const pageIds = more ? ids.slice(0, opts.limit) : ids;
    const items: Message[] = pageIds.length ? await this.db.message.findMany({ where: { tenantId, id: { in: pageIds } }, orderBy: { id: 'desc' } }) : [];
    return { items, nextCursor: more ? (pageIds.at(-1) ?? null) : null };
  }

  /**
   * Sends a failed message back to `queued` with a fresh retry budget (no tries spent, no first try): one
   * conditional UPDATE, so two replays of one message cannot both succeed. The caller enqueues it.
   */
  async requeueFailed(tenantId: string, id: string): Promise<ReplayOutcome> {
    const { count } = await this.db.message.updateMany({
      where: { id, tenantId, status: 'failed' },
      data: { status: 'queued', attempts: 0, firstAttemptAt: null, finishedAt: null, errorCode: null, lastError: null, warning: null },
    });
    if (count === 1) return 'replayed';
    const row = await this.db.message.findFirst({ where: { id, tenantId }, select: { status: true } });
    if (!row) return 'not_found';
    if (row.status === 'queued' || row.status === 'running') return 'already_queued';
    return row.status === 'replied' ? 'already_replied' : 'not_replayable';
  }
}
