/**
 * A worker process for the stalled-job test: takes jobs, announces each on stdout and never finishes it, so the
 * test can SIGKILL it mid-job. Usage: node --import tsx stall-worker.ts <redisUrl> <queueName> <prefix>
 */
import { createBullmqQueue } from '../../../src/queue/bullmq.js';
import { silentLogger } from '../../../src/observability/logger.js';

const [redisUrl, queueName, prefix] = process.argv.slice(2);
if (!redisUrl || !queueName || !prefix) {
  console.error('usage: stall-worker.ts <redisUrl> <queueName> <prefix>');
  process.exit(2);
}

const queue = createBullmqQueue({ redisUrl, queueName, prefix, lockDurationMs: 1000, stalledIntervalMs: 500 }, { concurrency: 1 }, silentLogger);
await queue.startWorker(
  (job) => {
    process.stdout.write(`STARTED ${job.messageId}\n`);
    return new Promise<void>(() => undefined);
  },
  async () => undefined,
);
process.stdout.write('READY\n');
