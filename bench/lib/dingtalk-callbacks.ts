/**
 * Load for the DingTalk ingress benchmark: distinct robot HTTP callbacks as DingTalk sends them (a group @-message in
 * the real format, a unique msgId, `timestamp` + `sign` headers signed now, ~1.3 KB bodies), built with the test
 * fake's callback builder (the production sign function underneath).
 */
import { dingtalkCallbacks } from '../../test/fakes/fake-dingtalk-callbacks.js';
import type { LoadRequest } from './load.js';

export const BENCH_DINGTALK = {
  clientId: 'dingbenchclient01',
  clientSecret: 'bench-dingtalk-client-secret',
} as const;

/** The bot definition the servers under test load from BENCH_BOT. */
export function dingtalkBenchBot(id: string): { id: string; platform: 'dingtalk'; mode: 'robot_http'; credentials: Record<string, string> } {
  return { id, platform: 'dingtalk', mode: 'robot_http', credentials: { ...BENCH_DINGTALK } };
}

/** `count` distinct signed robot callbacks for `path`; signatures stay valid for DingTalk's 1 h window. */
export function signedDingtalkMessages(path: string, count: number): LoadRequest[] {
  const cb = dingtalkCallbacks({ clientSecret: BENCH_DINGTALK.clientSecret });
  const now = Date.now();
  const out: LoadRequest[] = [];
  for (let i = 0; i < count; i++) {
    const message = cb.message(
      'robot-text-group',
      {
        msgId: `msgBench${i.toString(36).padStart(8, '0')}==`,
        senderStaffId: `staff${(i % 500).toString().padStart(5, '0')}`,
        robotCode: BENCH_DINGTALK.clientId,
        text: {
          content:
            ` Hello, I need help with order #${100000 + i}. It has not arrived yet and the tracking page shows no update since Monday. ` +
            'Could you check with the warehouse whether it was shipped? 谢谢！Please reply here when you know more.',
        },
      },
      now,
    );
    const built = cb.robot(message, { now });
    out.push({ method: 'POST', path, headers: built.headers, body: built.rawBody });
  }
  return out;
}
