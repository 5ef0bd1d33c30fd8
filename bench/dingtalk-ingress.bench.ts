/**
 * DingTalk robot-HTTP ingress through Switchboard's Koa route (sign check + JSON parse + normalize + durable accept on
 * SQLite + ack), compared in the same run with:
 * - a bare Koa route (the ceiling);
 * - the minimal non-durable handler the issue names (sign check + JSON parse, no persistence).
 * Targets (issue #11): the durable path uses no more server CPU per request than 1.3× the minimal handler, and its
 * p99 ack latency is under 20 ms at 50 connections.
 */
import { join } from 'node:path';
import { compareServers } from './lib/compare.js';
import { dingtalkBenchBot, signedDingtalkMessages } from './lib/dingtalk-callbacks.js';
import type { BenchReport } from './types.js';

const P99_TARGET_MS = 20;
const CPU_RATIO_TARGET = 1.3;

export default async function dingtalkIngress(): Promise<BenchReport> {
  const servers = join(import.meta.dirname, 'servers');
  const botId = 'bench-dingtalk';
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const durationSec = Number(process.env.BENCH_SECONDS ?? 5);
  // Distinct messages: enough that a warm-up plus a run never wraps around (a wrap turns inserts into duplicates).
  const count = Number(process.env.BENCH_DINGTALK_MESSAGES ?? 80_000);
  const estimatedSec = rounds * 3 * (durationSec + 2 + 3);
  if (estimatedSec > 3000) throw new Error(`about ${estimatedSec} s of load: signed timestamps would leave DingTalk's 1 h window; lower BENCH_ROUNDS or BENCH_SECONDS`);
  const messages = signedDingtalkMessages(`/hooks/dingtalk/${botId}`, count);
  const bench = JSON.stringify(dingtalkBenchBot(botId));
  const rows = await compareServers(
    [
      { label: 'bare Koa route (ceiling)', module: join(servers, 'bare-koa.ts'), requests: messages },
      { label: 'minimal handler: sign check + JSON parse, no persistence', module: join(servers, 'dingtalk-minimal.ts'), env: { BENCH_BOT: bench }, requests: messages },
      { label: 'Switchboard /hooks/dingtalk (durable accept, SQLite)', module: join(servers, 'switchboard-web.ts'), env: { BENCH_BOT: bench }, requests: messages },
    ],
    { rounds, durationSec },
  );
  const minimal = rows[1]!;
  const ours = rows[2]!;
  const p99 = Number(ours.extra?.p99Ms);
  const cpuOurs = Number(ours.extra?.serverCpuUsPerReq);
  const cpuMinimal = Number(minimal.extra?.serverCpuUsPerReq);
  const cpuRatio = cpuOurs / cpuMinimal;
  return {
    name: `DingTalk robot-HTTP ingress (autocannon, 50 connections, ${count} distinct ~${messages[0]!.body!.length} B signed callbacks)`,
    rows,
    targets: [
      {
        description: `Switchboard (durable) server CPU per request ≤ ${CPU_RATIO_TARGET}× the minimal handler: ${cpuOurs} vs ${cpuMinimal} µs (×${cpuRatio.toFixed(2)})`,
        met: Number.isFinite(cpuRatio) && cpuRatio <= CPU_RATIO_TARGET,
      },
      { description: `Switchboard p99 ack latency < ${P99_TARGET_MS} ms at 50 connections: ${p99} ms`, met: p99 < P99_TARGET_MS },
    ],
    notes: [`throughput: durable / minimal = ×${(ours.value / minimal.value).toFixed(2)}`],
  };
}
