/**
 * A Switchboard process for the crash test, run with tsx in a child process:
 *   accept <n>   seed a bot, accept n messages, start the worker, print "accepted", keep processing
 *   resume       start the worker (recovering what the last process left) and print "done" when all are replied
 * The environment (database, data dir, key) comes from the parent.
 */
import { loadConfig } from '../../../src/config/load.js';
import { buildRuntime, startWorker } from '../../../src/main.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createEchoGateway, createRecordingAdapter } from '../../support/doubles.js';
import { seedBot, waitFor } from '../../support/runtime.js';

const [mode, count] = process.argv.slice(2);
const runtime = await buildRuntime(loadConfig(process.env), {
  logger: silentLogger,
  adapters: [createRecordingAdapter()],
  workflows: createEchoGateway({ delayMs: () => 20 }),
});

if (mode === 'accept') {
  const n = Number(count);
  const { tenantId, botId } = await seedBot(runtime);
  const messages = Array.from({ length: n }, (_, i) => ({
    id: `crash-${i}`,
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
  }));
  await Promise.all(messages.map((m) => runtime.inbox.accept([m])));
  await startWorker(runtime);
  console.log('accepted');
  // Keep working until killed.
  setInterval(() => undefined, 1000);
} else if (mode === 'resume') {
  await startWorker(runtime);
  await waitFor(async () => (await runtime.database.db.message.count({ where: { status: { not: 'replied' } } })) === 0, 60_000, 'all replied');
  console.log('done');
  await runtime.close();
  process.exit(0);
}
