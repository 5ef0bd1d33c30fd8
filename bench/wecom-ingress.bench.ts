/**
 * WeCom app-callback ingress through Switchboard's Koa route (verify + decrypt + parse + normalize + durable accept
 * on SQLite + ack), compared in the same run with:
 * - a bare Koa route (the ceiling);
 * - the minimal non-durable handler the issue names (verify + decrypt + parse, no persistence: fast-xml-parser on
 *   both XML layers, "about a quarter of the bare route" in performance.md). Target: durable ≥ this;
 * - for reference, Switchboard's own adapter decode without persistence: the gap to it is what persistence costs.
 * And p99 ack latency under 20 ms at 50 connections.
 */
import { join } from 'node:path';
import { compareServers } from './lib/compare.js';
import { signedWecomTextMessages, wecomBenchBot } from './lib/wecom-callbacks.js';
import type { BenchReport } from './types.js';

const P99_TARGET_MS = 20;

export default async function wecomIngress(): Promise<BenchReport> {
  const servers = join(import.meta.dirname, 'servers');
  const botId = 'bench-wecom';
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const durationSec = Number(process.env.BENCH_SECONDS ?? 5);
  // Distinct messages: enough that one server's warm-up + run never wraps around at the rates seen here (a wrap
  // would turn the durable path's inserts into cheaper duplicate hits).
  const count = Number(process.env.BENCH_WECOM_MESSAGES ?? 80_000);
  // Signed "now"; WeCom callbacks more than 600 s old are refused (401), so the whole comparison must fit in that.
  const estimatedSec = rounds * 4 * (durationSec + 2 + 3);
  if (estimatedSec > 540) throw new Error(`about ${estimatedSec} s of load: signed timestamps would go stale (600 s window); lower BENCH_ROUNDS or BENCH_SECONDS`);
  const messages = signedWecomTextMessages(`/hooks/wecom/${botId}`, count);
  const bench = JSON.stringify(wecomBenchBot(botId));
  const rows = await compareServers(
    [
      { label: 'bare Koa route (ceiling)', module: join(servers, 'bare-koa.ts'), requests: messages },
      { label: 'minimal handler: verify + decrypt + parse (fast-xml-parser), no persistence', module: join(servers, 'wecom-naive-xml.ts'), env: { BENCH_BOT: bench }, requests: messages },
      { label: 'Switchboard /hooks/wecom (durable accept, SQLite)', module: join(servers, 'switchboard-web.ts'), env: { BENCH_BOT: bench }, requests: messages },
      { label: "Switchboard's adapter decode, no persistence (reference)", module: join(servers, 'wecom-nondurable.ts'), env: { BENCH_BOT: bench }, requests: messages },
    ],
    { rounds, durationSec },
  );
  const minimal = rows[1]!;
  const ours = rows[2]!;
  const sameDecode = rows[3]!;
  const p99 = Number(ours.extra?.p99Ms);
  return {
    name: `WeCom ingress (autocannon, 50 connections, ${count} distinct ~${messages[0]!.body!.length} B encrypted messages)`,
    rows,
    targets: [
      {
        description: `Switchboard (durable) ≥ the minimal non-durable handler: ${ours.value} vs ${minimal.value} req/s (×${(ours.value / minimal.value).toFixed(2)})`,
        met: ours.value >= minimal.value,
      },
      { description: `Switchboard p99 ack latency < ${P99_TARGET_MS} ms at 50 connections: ${p99} ms`, met: p99 < P99_TARGET_MS },
    ],
    notes: [
      `cost of persistence: durable / the same decode without persistence = ×${(ours.value / sameDecode.value).toFixed(2)}` +
        (ours.extra?.serverCpuUsPerReq !== undefined
          ? `; server CPU per request ${ours.extra.serverCpuUsPerReq} vs ${sameDecode.extra?.serverCpuUsPerReq} µs (minimal handler: ${minimal.extra?.serverCpuUsPerReq} µs)`
          : ''),
    ],
  };
}
