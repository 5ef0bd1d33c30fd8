import type { Db } from '../client.js';
import { placeholder, timeParam } from './message-log.js';

export interface UsageRow {
  botId: string;
  /** UTC day of the messages' arrival, YYYY-MM-DD. */
  day: string;
  messages: number;
  failures: number;
  /** Arrival to finish of the replied messages (linear interpolation between ranks, like percentile_cont). */
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Sum of the runs' reported prices, as a decimal string. */
  cost: string;
  /** The runs' currency; null when none was reported or they differ. */
  currency: string | null;
}

export interface UsageRange {
  from: Date;
  to: Date;
  botId?: string;
}

type Provider = 'sqlite' | 'postgresql';

/** Per provider: the UTC day of a DateTime column, milliseconds between two of them, and a price sum. */
const DIALECT = {
  sqlite: {
    day: (col: string) => `substr(${col}, 1, 10)`,
    ms: (end: string, start: string) => `CAST(round((julianday(${end}) - julianday(${start})) * 86400000) AS INTEGER)`,
    cost: `COALESCE(SUM(CAST(r.total_price AS REAL)), 0)`,
  },
  postgresql: {
    day: (col: string) => `to_char(${col}, 'YYYY-MM-DD')`,
    ms: (end: string, start: string) => `CAST(round(EXTRACT(EPOCH FROM (${end} - ${start})) * 1000) AS bigint)`,
    cost: `COALESCE(SUM(CAST(r.total_price AS numeric)), 0)`,
  },
} as const;

/**
 * Percentiles of each (bot, day)'s latencies. PostgreSQL has percentile_cont; SQLite numbers the sorted latencies
 * (ROW_NUMBER) and interpolates between the two ranks around p·(n−1), which is what percentile_cont computes.
 */
function percentilesSql(provider: Provider): string {
  if (provider === 'postgresql') {
    return `SELECT bot_id, day, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95
      FROM lat GROUP BY bot_id, day`;
  }
  const at = (p: number) => `(MAX(CASE WHEN i = CAST(${p} * (n - 1) AS INTEGER) THEN ms END)
      + (${p} * (n - 1) - CAST(${p} * (n - 1) AS INTEGER))
      * (COALESCE(MAX(CASE WHEN i = CAST(${p} * (n - 1) AS INTEGER) + 1 THEN ms END), MAX(CASE WHEN i = CAST(${p} * (n - 1) AS INTEGER) THEN ms END))
         - MAX(CASE WHEN i = CAST(${p} * (n - 1) AS INTEGER) THEN ms END)))`;
  return `SELECT bot_id, day, ${at(0.5)} AS p50, ${at(0.95)} AS p95 FROM (
      SELECT bot_id, day, ms, ROW_NUMBER() OVER (PARTITION BY bot_id, day ORDER BY ms) - 1 AS i, COUNT(*) OVER (PARTITION BY bot_id, day) AS n FROM lat
    ) AS ranked GROUP BY bot_id, day`;
}

interface RawUsage {
  bot_id: string;
  day: string;
  messages: number | bigint;
  failures: number | bigint;
  p50: number | string | null;
  p95: number | string | null;
  prompt_tokens: number | bigint | string | null;
  completion_tokens: number | bigint | string | null;
  total_tokens: number | bigint | string | null;
  cost: number | string | null;
  min_currency: string | null;
  max_currency: string | null;
}

const num = (value: number | bigint | string | null): number => (value === null ? 0 : Number(value));
const ms = (value: number | string | null): number | null => (value === null ? null : Math.round(Number(value) * 1000) / 1000);

export class UsageRepository {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
  ) {}

  /** Messages, failures, latency percentiles, tokens and cost per bot and UTC day, for messages received in [from, to). */
  async perBotAndDay(tenantId: string, range: UsageRange): Promise<UsageRow[]> {
    const d = DIALECT[this.provider];
    const params: unknown[] = [tenantId, timeParam(this.provider, range.from), timeParam(this.provider, range.to)];
    const p = (i: number, cast?: 'timestamp') => placeholder(this.provider, i, cast);
    let scope = `m.tenant_id = ${p(1)} AND m.received_at >= ${p(2, 'timestamp')} AND m.received_at < ${p(3, 'timestamp')}`;
    if (range.botId) {
      params.push(range.botId);
      scope += ` AND m.bot_id = ${p(4)}`;
    }
    // SQLite binds positionally: each CTE that reads the scope gets its own copy of the parameters.
    const scopes = this.provider === 'sqlite' ? 3 : 1;
    const sql = `
      WITH counts AS (
        SELECT m.bot_id, ${d.day('m.received_at')} AS day, COUNT(*) AS messages, SUM(CASE WHEN m.status = 'failed' THEN 1 ELSE 0 END) AS failures
        FROM messages m WHERE ${scope} GROUP BY m.bot_id, ${d.day('m.received_at')}
      ),
      lat AS (
        SELECT m.bot_id, ${d.day('m.received_at')} AS day, ${d.ms('m.finished_at', 'm.received_at')} AS ms
        FROM messages m WHERE ${scope} AND m.status = 'replied' AND m.finished_at IS NOT NULL
      ),
      pct AS (${percentilesSql(this.provider)}),
      spend AS (
        SELECT m.bot_id, ${d.day('m.received_at')} AS day, SUM(r.prompt_tokens) AS prompt_tokens, SUM(r.completion_tokens) AS completion_tokens,
          SUM(r.total_tokens) AS total_tokens, ${d.cost} AS cost, MIN(r.currency) AS min_currency, MAX(r.currency) AS max_currency
        FROM runs r JOIN messages m ON m.id = r.message_id WHERE ${scope} GROUP BY m.bot_id, ${d.day('m.received_at')}
      )
      SELECT c.bot_id, c.day, c.messages, c.failures, pct.p50, pct.p95, s.prompt_tokens, s.completion_tokens, s.total_tokens, s.cost,
        s.min_currency, s.max_currency
      FROM counts c
      LEFT JOIN pct ON pct.bot_id = c.bot_id AND pct.day = c.day
      LEFT JOIN spend s ON s.bot_id = c.bot_id AND s.day = c.day
      ORDER BY c.day, c.bot_id`;
    const bound = this.provider === 'sqlite' ? Array.from({ length: scopes }, () => params).flat() : params;
    const rows = await this.db.$queryRawUnsafe<RawUsage[]>(sql, ...bound);
    return rows.map((row) => ({
      botId: row.bot_id,
      day: row.day,
      messages: num(row.messages),
      failures: num(row.failures),
      p50LatencyMs: ms(row.p50),
      p95LatencyMs: ms(row.p95),
      promptTokens: num(row.prompt_tokens),
      completionTokens: num(row.completion_tokens),
      totalTokens: num(row.total_tokens),
      cost: formatCost(row.cost),
      currency: row.min_currency !== null && row.min_currency === row.max_currency ? row.min_currency : null,
    }));
  }
}

/** A sum of prices as a decimal string without float noise (SQLite sums in REAL). */
export function formatCost(value: number | string | null): string {
  if (value === null) return '0';
  const n = Number(value);
  return String(Math.round(n * 1e9) / 1e9);
}
