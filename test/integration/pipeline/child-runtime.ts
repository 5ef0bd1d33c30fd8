/**
 * A Switchboard process for the crash and watchdog tests, run with tsx in a child process:
 *   accept <n>   seed a bot, accept n messages, start the worker, print "accepted", keep processing
 *   stall        seed a bot, start worker and web, print "url <url>", accept one message whose workflow run takes
 *                1.5 s (time for the parent to lock the database), print "accepted", keep running
 *   resume       start the worker (recovering what the last process left) and print "done" when all are replied
 * Errors are logged as JSON lines on stderr; the environment (database, data dir, key, limits) comes from the parent.
 */
import { loadConfig } from '../../../src/config/load.js';
import { buildRuntime, startWeb, startWorker } from '../../../src/main.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createEchoGateway, createRecordingAdapter } from '../../support/doubles.js';
import { seedBot, waitFor } from '../../support/runtime.js';

const [mode, count] = process.argv.slice(2);
const runtime = await buildRuntime(loadConfig(process.env), {
  logger: createLogger({ level: 'error', destination: process.stderr }),
  adapters: [createRecordingAdapter()],
  workflows: createEchoGateway({ delayMs: () => (mode === 'stall' ? 1500 : 20) }),
});

function message(tenantId: string, botId: string, i: number) {
  return {
    id: `${mode}-${i}`,
    platform: 'wecom' as const,
    tenantId,
    botId,
    conversation: { id: `c${i % 5}`, type: 'direct' as const },
    sender: { id: `u${i % 5}` },
    text: `message ${i}`,
    mentionsBot: false,
    attachments: [],
    replyTarget: { conversation: `c${i % 5}` },
    receivedAt: new Date().toISOString(),
  };
}

if (mode === 'accept') {
  const { tenantId, botId } = await seedBot(runtime);
  await Promise.all(Array.from({ length: Number(count) }, (_, i) => runtime.inbox.accept([message(tenantId, botId, i)])));
  await startWorker(runtime);
  console.log('accepted');
  // Keep working until killed.
  setInterval(() => undefined, 1000);
} else if (mode === 'stall') {
  const { tenantId, botId } = await seedBot(runtime);
  await startWorker(runtime);
  const web = await startWeb(runtime, { port: 0, host: '127.0.0.1' });
  console.log(`url ${web.url}`);
  await runtime.inbox.accept([message(tenantId, botId, 0)]);
  console.log('accepted');
  setInterval(() => undefined, 1000);
} else if (mode === 'resume') {
  await startWorker(runtime);
  await waitFor(async () => (await runtime.database.db.message.count({ where: { status: { not: 'replied' } } })) === 0, 60_000, 'all replied');
  console.log('done');
  await runtime.close();
  process.exit(0);
}
