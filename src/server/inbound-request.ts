import type { Context } from 'koa';
import type { InboundRequest } from '../adapters/types.js';

/**
 * Headers as adapters see them: lower-cased names, a header sent more than once kept as an array (so a repeated
 * signature header is visible as such, not joined with a comma). One pass over the raw header list.
 */
export function headersOf(ctx: Context): InboundRequest['headers'] {
  const raw = ctx.req.rawHeaders;
  const out: InboundRequest['headers'] = Object.create(null) as InboundRequest['headers'];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const seen = out[name];
    if (seen === undefined) out[name] = value;
    else out[name] = Array.isArray(seen) ? [...seen, value] : [seen, value];
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
