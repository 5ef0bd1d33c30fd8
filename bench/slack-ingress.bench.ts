/**
 * Slack event ingress through Switchboard's Koa route (verify + decode + Bolt listeners + durable accept + ack),
 * compared in the same run with a bare Koa route (the ceiling) and with Bolt's own HTTPReceiver acking the same
 * signed events without persisting them (the peer). Target: at least the peer's throughput while persisting.
 */
import { join } from 'node:path';
import { compareServers } from './lib/compare.js';
import { BENCH_SLACK, signedSlackDmEvents } from './lib/slack-events.js';
import type { BenchReport } from './types.js';

export default async function slackIngress(): Promise<BenchReport> {
  const servers = join(import.meta.dirname, 'servers');
  const botId = 'bench-slack';
  const events = signedSlackDmEvents(`/hooks/slack/${botId}`, 80_000);
  const boltEvents = events.map((e) => ({ ...e, path: '/slack/events' }));
  const rows = await compareServers(
    [
      { label: 'bare Koa route (ceiling)', module: join(servers, 'bare-koa.ts'), requests: events },
      { label: "Bolt's own HTTPReceiver (peer, no persistence)", module: join(servers, 'bolt-http.ts'), requests: boltEvents },
      {
        label: 'Switchboard /hooks/slack (durable accept, SQLite)',
        module: join(servers, 'switchboard-web.ts'),
        env: {
          BENCH_BOT: JSON.stringify({
            id: botId,
            platform: 'slack',
            mode: 'events_http',
            credentials: { botToken: BENCH_SLACK.botToken, signingSecret: BENCH_SLACK.signingSecret, botUserId: BENCH_SLACK.botUserId, botId: BENCH_SLACK.botId, teamId: BENCH_SLACK.teamId },
          }),
        },
        requests: events,
      },
    ],
    { rounds: Number(process.env.BENCH_ROUNDS ?? 3), durationSec: Number(process.env.BENCH_SECONDS ?? 5) },
  );
  const peer = rows[1]!;
  const ours = rows[2]!;
  return {
    name: 'Slack ingress (autocannon, 50 connections)',
    rows,
    targets: [{ description: `Switchboard (durable) ≥ Bolt HTTPReceiver: ${ours.value} vs ${peer.value} req/s (×${(ours.value / peer.value).toFixed(2)})`, met: ours.value >= peer.value }],
  };
}
