import { signSlackRequest } from '../../test/fakes/fake-slack-signing.js';
import type { LoadRequest } from './load.js';

export const BENCH_SLACK = {
  signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  botToken: 'xoxb-bench-token',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
  teamId: 'T0BENCH',
};

/** `count` distinct DM events (unique event_id and ts), each signed now, as Slack would send them. */
export function signedSlackDmEvents(path: string, count: number): LoadRequest[] {
  const ts = Math.floor(Date.now() / 1000);
  const out: LoadRequest[] = [];
  for (let i = 0; i < count; i++) {
    const messageTs = `${ts}.${String(i).padStart(6, '0')}`;
    const body = JSON.stringify({
      token: 'verification-token-unused',
      team_id: BENCH_SLACK.teamId,
      api_app_id: 'A0BENCH',
      event: {
        type: 'message',
        channel_type: 'im',
        channel: `D${(i % 500).toString().padStart(8, '0')}`,
        user: `U${(i % 500).toString().padStart(8, '0')}`,
        text: `Hello, I need help with order #${100000 + i}. It has not arrived yet and the tracking page shows no update since Monday.`,
        ts: messageTs,
        event_ts: messageTs,
        client_msg_id: `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`,
        team: BENCH_SLACK.teamId,
      },
      type: 'event_callback',
      event_id: `Ev${ts}${i.toString().padStart(8, '0')}`,
      event_time: ts,
      authorizations: [{ enterprise_id: null, team_id: BENCH_SLACK.teamId, user_id: BENCH_SLACK.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
      event_context: `4-bench-${i}`,
    });
    out.push({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', ...signSlackRequest(body, { signingSecret: BENCH_SLACK.signingSecret, timestamp: ts }) },
      body,
    });
  }
  return out;
}
