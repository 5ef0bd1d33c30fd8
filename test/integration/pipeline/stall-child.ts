/**
 * A Switchboard process (web + worker) for the watchdog test, run with tsx in a child process:
 *   stall    seed a bot, start worker and web, print "url <url>", accept one message, print "accepted", keep running
 *   resume   start the worker (recovering what the last process left) and print "done" when all are replied
 * Errors are logged as JSON lines on stderr; the environment (database, limits) comes from the parent.
 */
import { loadConfig } from '../../../src/config/load.js';
import { buildRuntime, startWeb, startWorker } from '../../../src/main.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createEchoGateway, createRecordingAdapter } from '../../support/doubles.js';
import { seedBot, waitFor } from '../../support/runtime.js';

const mode = process.argv[2];
const runtime = await buildRuntime(loadConfig(process.env), {
  logger: createLogger({ level: 'error', destination: process.stderr }),
  adapters: [createRecordingAdapter()],
  // Long enough for the parent to take the database's write lock while the run is under way.
  workflows: createEchoGateway({ delayMs: () => 1500 }),
});

if (mode === 'stall') {
  const { tenantId, botId } = await seedBot(runtime);
  await startWorker(runtime);
  const web = await startWeb(runtime, { port: 0, host: '127.0.0.1' });
  console.log(`url ${web.url}`);
  await runtime.inbox.accept([
    {
      id: 'stall-1',
      platform: 'wecom',
      tenantId,
      botId,
      conversation: { id: 'c1', type: 'direct' },
      sender: { id: 'u1' },
      text: 'are you stuck?',
      mentionsBot: false,
      attachments: [],
      replyTarget: { conversation: 'c1' },
      receivedAt: new Date().toISOString(),
    },
  ]);
  console.log('accepted');
  setInterval(() => undefined, 1000);
} else if (mode === 'resume') {
  await startWorker(runtime);
  await waitFor(async () => (await runtime.database.db.message.count({ where: { status: { not: 'replied' } } })) === 0, 60_000, 'all replied');
  console.log('done');
  await runtime.close();
  process.exit(0);
}
