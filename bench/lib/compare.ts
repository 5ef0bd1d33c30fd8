import type { BenchRow } from '../types.js';
import { startChildServer } from './child-server.js';
import { readFileSync } from 'node:fs';
import { median, requestPicker, runLoad, type LoadRequest, type LoadResult } from './load.js';

export interface Contender {
  label: string;
  /** Server module run in a child process. */
  module: string;
  env?: Record<string, string>;
  /** Requests to send; built once the server is up (it may print setup facts). */
  requests: LoadRequest[] | (() => LoadRequest);
}

/**
 * CPU time (user + system, all threads) a process has used, in µs; undefined where /proc is not available.
 * Clock ticks are 1/100 s on Linux.
 */
function processCpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/**
 * Measures each contender over several rounds, alternating the order between rounds, and reports the median
 * requests/s with its ratio to the first contender (the baseline), the median p99 and, on Linux, the server's
 * median CPU per request (all its threads: where the time goes, independent of how busy the machine was).
 */
export async function compareServers(contenders: Contender[], opts: { rounds?: number; durationSec?: number; connections?: number } = {}): Promise<BenchRow[]> {
  const rounds = opts.rounds ?? 3;
  const results = new Map<string, (LoadResult & { cpuUsPerReq?: number })[]>(contenders.map((c) => [c.label, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) {
      const server = await startChildServer(contender.module, contender.env);
      try {
        const next = requestPicker(contender.requests);
        const load = { connections: opts.connections ?? 50, warmupSec: 0 };
        await runLoad(server.url, next, { ...load, durationSec: 2 }); // warm-up
        const cpuBefore = processCpuMicros(server.child.pid);
        const result: LoadResult & { cpuUsPerReq?: number } = await runLoad(server.url, next, { ...load, durationSec: opts.durationSec ?? 5 });
        const cpuAfter = processCpuMicros(server.child.pid);
        if (cpuBefore !== undefined && cpuAfter !== undefined && result.total > 0) result.cpuUsPerReq = (cpuAfter - cpuBefore) / result.total;
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
      extra: {
        min: Math.round(Math.min(...rps)),
        max: Math.round(Math.max(...rps)),
        p99Ms: median(rs.map((r) => r.p99Ms)),
        ...(rs.every((r) => r.cpuUsPerReq !== undefined) ? { serverCpuUsPerReq: Math.round(median(rs.map((r) => r.cpuUsPerReq!))) } : {}),
      },
    };
  });
}
