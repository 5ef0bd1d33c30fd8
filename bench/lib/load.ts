/**
 * Load generation for ingress benchmarks: autocannon against 127.0.0.1 only, bounded in time, warm-up first.
 * Servers under test run in their own child process (see child-server.ts) so the load generator and the server do
 * not share one event loop; they still share the machine's 2 cores, which is why only ratios from one run count.
 */
import autocannon from 'autocannon';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface LoadResult {
  requestsPerSec: number;
  p99Ms: number;
  p50Ms: number;
  errors: number;
  non2xx: number;
  total: number;
}

export async function runLoad(
  url: string,
  requests: LoadRequest[] | (() => LoadRequest),
  opts: { connections?: number; durationSec?: number; warmupSec?: number } = {},
): Promise<LoadResult> {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') throw new Error('load tests target 127.0.0.1 only');
  const connections = opts.connections ?? 50;
  const pick = requestPicker(requests);
  const run = (duration: number) =>
    autocannon({
      url,
      connections,
      duration,
      requests: [
        {
          setupRequest: (req) => {
            const next = pick();
            return { ...req, method: next.method, path: next.path, headers: { ...req.headers, ...next.headers }, body: next.body as string };
          },
        },
      ],
    });
  if ((opts.warmupSec ?? 2) > 0) await run(opts.warmupSec ?? 2);
  const result = await run(opts.durationSec ?? 5);
  return {
    requestsPerSec: result.requests.average,
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

/** A function handing out the requests in order, round and round (a function is passed through as it is). */
export function requestPicker(requests: LoadRequest[] | (() => LoadRequest)): () => LoadRequest {
  if (!Array.isArray(requests)) return requests;
  let i = 0;
  return () => requests[i++ % requests.length]!;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
