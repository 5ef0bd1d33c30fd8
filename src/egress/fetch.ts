import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { processEgress, type EgressAgents } from './process-policy.js';
import { checkEgressUrl, sameOriginRedirect } from './url.js';

export interface EgressFetchInit {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** `follow` (default): same-origin redirects only, at most 5; `manual`: a redirect answer is returned as is. */
  redirect?: 'follow' | 'manual';
}

const MAX_REDIRECTS = 5;

/**
 * A GET with the fetch API's shape that goes through the egress policy: URL checked first, address checked at
 * connect time, redirects followed only within the origin. For downloads of tenant-provided URLs (reply files).
 */
export async function egressFetch(raw: string | URL, init: EgressFetchInit = {}, egress: EgressAgents = processEgress()): Promise<Response> {
  let url = checkEgressUrl(egress.policy, raw);
  for (let hops = 0; ; hops++) {
    const res = await get(url, init, egress);
    const status = res.statusCode ?? 0;
    if (status < 300 || status >= 400 || init.redirect === 'manual' || status === 304) return toResponse(res);
    res.resume();
    if (hops >= MAX_REDIRECTS) return toResponse(res);
    url = checkEgressUrl(egress.policy, sameOriginRedirect(url, res.headers.location));
  }
}

function get(url: URL, init: EgressFetchInit, egress: EgressAgents): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const req = (secure ? https : http).request(url, {
      method: 'GET',
      agent: secure ? egress.httpsAgent : egress.httpAgent,
      headers: init.headers,
      signal: init.signal,
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

function toResponse(res: http.IncomingMessage): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const status = res.statusCode ?? 502;
  const bodyless = status === 204 || status === 304;
  if (bodyless) res.resume();
  return new Response(bodyless ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage, headers });
}
