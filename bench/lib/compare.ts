import type { BenchRow } from '../types.js';
import { startChildServer } from './child-server.js';
import { median, runLoad, type LoadRequest, type LoadResult } from './load.js';

export interface Contender {
  label: string;
  /** Server module run in a child process. */
  module: string;
  env?: Record<string, string>;
  /** Requests to send; built once the server is up (it may print setup facts). */
  requests: LoadRequest[] | (() => LoadRequest);
}

/**
 * Measures each contender over several rounds, alternating the order between rounds, and reports the median
 * requests/s with its ratio to the first contender (the baseline) and the median p99.
 */
export async function compareServers(contenders: Contender[], opts: { rounds?: number; durationSec?: number; connections?: number } = {}): Promise<BenchRow[]> {
  const rounds = opts.rounds ?? 3;
  const results = new Map<string, LoadResult[]>(contenders.map((c) => [c.label, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) {
      const server = await startChildServer(contender.module, contender.env);
      try {
        const result = await runLoad(server.url, contender.requests, { connections: opts.connections ?? 50, durationSec: opts.durationSec ?? 5 });
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(`${contender.label}: ${result.non2xx} non-2xx answers and ${result.errors} errors — the benchmark is not measuring success`);
        }
        results.get(contender.label)!.push(result);
      } finally {
        await server.stop();
      }
    }
  }
  const baseline = median(results.get(contenders[0]!.label)!.map((r) => r.requestsPerSec));
  return contenders.map((c) => {
    const rs = results.get(c.label)!;
    const rps = rs.map((r) => r.requestsPerSec);
    const value = median(rps);
    return {
      label: c.label,
      value: Math.round(value),
      unit: 'req/s',
      ratio: Number((value / baseline).toFixed(3)),
      extra: { min: Math.round(Math.min(...rps)), max: Math.round(Math.max(...rps)), p99Ms: median(rs.map((r) => r.p99Ms)) },
    };
  });
}
