import { z } from 'zod';
import { ROLES } from '../auth/principal.js';
import { ValidationError } from '../http/errors.js';
import { defineRoute } from '../route.js';
import { id, tenantParams } from '../schemas/common.js';

const DAY_MS = 86_400_000;
/** At most this many days per request: the answer has a row per bot and day. */
const MAX_DAYS = 366;
const day = z.iso.date();

export const getUsage = defineRoute({
  method: 'get',
  path: '/tenants/:tenantId/usage',
  operationId: 'getUsage',
  summary: 'Per bot and UTC day: messages, failures, p50/p95 latency (arrival to reply), tokens and cost, computed by the database',
  tag: 'usage',
  access: { kind: 'tenant', roles: ROLES },
  params: tenantParams,
  query: z.object({
    from: day.meta({ description: 'first day (UTC, YYYY-MM-DD)' }),
    to: day.meta({ description: 'last day, included (UTC, YYYY-MM-DD)' }),
    botId: id.optional(),
  }),
  response: z.object({
    items: z.array(
      z.object({
        botId: id,
        day,
        messages: z.number().int(),
        failures: z.number().int(),
        p50LatencyMs: z.number().nullable().meta({ description: 'of the replied messages; null when none' }),
        p95LatencyMs: z.number().nullable(),
        promptTokens: z.number().int(),
        completionTokens: z.number().int(),
        totalTokens: z.number().int(),
        cost: z.string().meta({ description: "sum of the runs' reported prices" }),
        currency: z.string().nullable().meta({ description: 'null when none was reported or the runs differ' }),
      }),
    ),
  }),
  example: { query: { from: '2026-01-01', to: '2026-01-31' } },
  async handler({ tenant, query, deps }) {
    const from = new Date(`${query.from}T00:00:00.000Z`);
    const to = new Date(new Date(`${query.to}T00:00:00.000Z`).getTime() + DAY_MS);
    const days = (to.getTime() - from.getTime()) / DAY_MS;
    if (days < 1 || days > MAX_DAYS) {
      throw new ValidationError([{ in: 'query', path: 'to', code: 'out_of_range', message: `to must be on or after from, at most ${MAX_DAYS} days apart` }]);
    }
    return { items: await deps.repos.usage.perBotAndDay(tenant.id, { from, to, botId: query.botId }) };
  },
});

export const USAGE_ROUTES = [getUsage];
