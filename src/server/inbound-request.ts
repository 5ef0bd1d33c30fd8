import type { Context } from 'koa';
import type { InboundRequest } from '../adapters/types.js';

/** Headers as adapters see them: lower-cased names, a header sent more than once kept as an array. */
export function headersOf(ctx: Context): InboundRequest['headers'] {
  const distinct = ctx.req.headersDistinct;
  const out: InboundRequest['headers'] = {};
  for (const [name, values] of Object.entries(distinct)) {
    if (!values) continue;
    out[name] = values.length === 1 ? values[0] : values;
  }
  return out;
}

export function queryOf(ctx: Context): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of new URLSearchParams(ctx.querystring)) {
    if (!(key in out)) out[key] = value; // first wins; a repeated parameter cannot override a checked one
  }
  return out;
}
