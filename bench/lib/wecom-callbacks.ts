/**
 * Load for the WeCom ingress benchmark: distinct, correctly signed, encrypted self-built-app text messages as WeCom
 * sends them (unique 64-bit MsgId, current timestamp, ~1 KB bodies), built with the test fake's callback builder
 * (the real crypto module underneath).
 */
import { wecomCallbacks } from '../../test/fakes/fake-wecom-callbacks.js';
import type { LoadRequest } from './load.js';

export const BENCH_WECOM = {
  corpId: 'wwbenchcorp',
  agentId: '1000002',
  secret: 'bench-secret',
  token: 'BenchTok3n',
  encodingAesKey: 'benchKeyABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi',
} as const;

/** The bot definition the servers under test load from BENCH_BOT. */
export function wecomBenchBot(id: string): { id: string; platform: 'wecom'; mode: 'app'; credentials: Record<string, string> } {
  const { corpId, agentId, secret, token, encodingAesKey } = BENCH_WECOM;
  return { id, platform: 'wecom', mode: 'app', credentials: { corpId, agentId, secret, token, encodingAesKey } };
}

/**
 * `count` distinct text messages for `path`, each signed now. Bodies are about 1 KB (the outer XML around the
 * base64 ciphertext of a ~650-byte inner XML). Signed timestamps age: WeCom callbacks older than 600 s are refused,
 * so build them right before the run.
 */
export function signedWecomTextMessages(path: string, count: number): LoadRequest[] {
  const cb = wecomCallbacks({ ...BENCH_WECOM });
  const now = Date.now();
  const out: LoadRequest[] = [];
  for (let i = 0; i < count; i++) {
    const built = cb.appMessage(
      {
        FromUserName: `user${(i % 500).toString().padStart(5, '0')}`,
        MsgType: 'text',
        Content:
          `Hello, I need help with order #${100000 + i}. It has not arrived yet and the tracking page shows no update since Monday. ` +
          'Could you check with the warehouse whether it was shipped, and if not, when it will be? I also want to change the delivery ' +
          'address to the office: Building 3, 88 Example Road, Suzhou Industrial Park. 谢谢！Please reply here when you know more. ',
        MsgId: (7_300_000_000_000_000_000n + BigInt(i)).toString(),
      },
      { now },
    );
    out.push({ method: 'POST', path: `${path}?${built.search}`, headers: { 'content-type': 'text/xml' }, body: built.rawBody });
  }
  return out;
}
