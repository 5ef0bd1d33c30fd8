/**
 * A Switchboard process (web + worker) with a DingTalk Stream bot, for the crash test; run with `node --import tsx`.
 *   hold-before   the inbox prints "received <msgId>" and never persists: a kill lands between receive and accept
 *   hold-after    the inbox persists, prints "accepted <msgId>" and never returns: a kill lands between accept and ack
 *   serve         normal operation; prints "connected" once the stream is open
 * The environment (database, data dir, key, fakes' URLs) comes from the parent.
 */
import { loadConfig } from '../../../../src/config/load.js';
import type { Inbox } from '../../../../src/adapters/types.js';
import { applyDeclarativeConfig } from '../../../../src/config/declarative-apply.js';
import { parseDeclarativeConfig } from '../../../../src/config/declarative-parse.js';
import { buildRuntime, startWeb, startWorker } from '../../../../src/main.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { dingtalkSecrets, dingtalkYaml } from '../../../e2e-http/dingtalk-support.js';

const mode = process.argv[2];
const env = process.env as Record<string, string>;
const runtime = await buildRuntime(loadConfig(env), { logger: silentLogger });
const yaml = dingtalkYaml({ apiBase: env.DT_API_BASE!, gateway: env.DT_GATEWAY! });
await applyDeclarativeConfig(parseDeclarativeConfig(yaml, dingtalkSecrets({ url: env.DIFY_URL!, apiKey: env.DIFY_KEY! }), 'child.yaml'), {
  stores: runtime.repos,
  adapters: runtime.adapters,
});

const forever = new Promise<never>(() => undefined);
const real = runtime.inbox;
const held: Inbox = {
  async accept(messages) {
    if (mode === 'hold-before') {
      console.log(`received ${messages.map((m) => m.id).join(',')}`);
      return forever;
    }
    const outcomes = await real.accept(messages);
    console.log(`accepted ${messages.map((m) => m.id).join(',')}`);
    return forever.then(() => outcomes);
  },
};

await startWorker(runtime);
const web = await startWeb(mode === 'serve' ? runtime : { ...runtime, inbox: held }, { port: 0, host: '127.0.0.1' });
const adapter = runtime.adapters.get('dingtalk') as { connectionStates(): Array<{ state: string }> };
const timer = setInterval(() => {
  if (adapter.connectionStates().some((s) => s.state === 'open')) {
    clearInterval(timer);
    console.log('connected');
  }
}, 20);
process.on('SIGTERM', () => {
  void web.close().then(() => runtime.close()).then(() => process.exit(0));
});
