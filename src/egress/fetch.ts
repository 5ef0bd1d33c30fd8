import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { processEgress, type EgressAgents } from './process-policy.js';
import { checkEgressUrl, sameOriginRedirect } from './url.js';

const MAX_REDIRECTS = 5;

/**
 * `fetch` through the egress policy, for calls to tenant-configured addresses (reply files, platform API bases):
 * the URL is checked first, the address when the socket connects, and redirects are followed only within the
 * origin (`redirect: 'manual'` returns them as they are). Request bodies are buffered (API calls and uploads are
 * held in memory anyway).
 */
export async function egressFetch(input: string | URL | Request, init: RequestInit = {}, egress: EgressAgents = processEgress()): Promise<Response> {
  let url = checkEgressUrl(egress.policy, input instanceof Request ? input.url : input);
  const request = new Request(input instanceof Request ? input : url, init);
  let method = request.method;
  let body: Buffer | undefined = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  const headers = Object.fromEntries(request.headers);
  const signal = init.signal ?? undefined;
  for (let hops = 0; ; hops++) {
    const res = await send(url, { method, headers, body, signal }, egress);
    const status = res.statusCode ?? 0;
    const redirected = [301, 302, 303, 307, 308].includes(status);
    if (!redirected || request.redirect === 'manual' || hops >= MAX_REDIRECTS) return toResponse(res, method);
    res.resume();
    url = checkEgressUrl(egress.policy, sameOriginRedirect(url, res.headers.location));
    if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      delete headers['content-type'];
      delete headers['content-length'];
    }
  }
}

interface Outgoing {
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  signal: AbortSignal | undefined;
}

function send(url: URL, out: Outgoing, egress: EgressAgents): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const req = (secure ? https : http).request(url, {
      method: out.method,
      agent: secure ? egress.httpsAgent : egress.httpAgent,
      headers: out.body ? { ...out.headers, 'content-length': String(out.body.length) } : out.headers,
      ...(out.signal ? { signal: out.signal } : {}),
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end(out.body);
  });
}

function toResponse(res: http.IncomingMessage, method: string): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const status = res.statusCode ?? 502;
  const bodyless = status === 204 || status === 205 || status === 304 || method === 'HEAD';
  if (bodyless) res.resume();
  return new Response(bodyless ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage, headers });
}
