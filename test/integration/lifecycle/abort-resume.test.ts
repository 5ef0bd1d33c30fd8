/**
 * A job still running when shutdown's grace ends is aborted: the Dify call stops at once, the message goes back to
 * `queued` (not failed, no fallback sent), and the next start answers it exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { buildRuntime, startWorker } from '../../../src/main.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { waitFor } from '../../support/runtime.js';
import { signedHeaders, slackDm, SLACK_BOT, startServerSuite, type ServerSuite } from '../server/helpers.js';

describe('a job aborted by shutdown', () => {
  let suite: ServerSuite | undefined;
  afterAll(async () => {
    await suite?.close();
  });

  it('goes back to queued, sends nothing, and is answered exactly once after the restart', async () => {
    suite = await startServerSuite();
    const { e2e, dify, slack } = suite;
    // The first run never answers: only the abort can end it.
    dify.script((req) => (req.callNumber === 1 ? { hang: 'before_headers' } : undefined));
    const body = slackDm({ channel: 'D0ABORT', ts: '1700009000.000100', text: 'resume me' });
    expect((await e2e.post(`/hooks/slack/${SLACK_BOT}`, body, signedHeaders(body))).status).toBe(200);
    await waitFor(() => dify.runRequests().length === 1, 10_000, 'the Dify run to start');

    const t0 = Date.now();
    await e2e.t.runtime.queue.close(300);
    // The aborted job stopped at once instead of running into the queue's settle limit (5 s).
    expect(Date.now() - t0).toBeLessThan(4000);

    const db = e2e.t.runtime.database.db;
    const message = await db.message.findFirstOrThrow({ where: { text: 'resume me' }, include: { deliveries: true } });
    expect(message.status).toBe('queued');
    expect(message.deliveries).toEqual([]);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);

    const restarted = await buildRuntime(loadConfig(e2e.t.env), { logger: silentLogger });
    try {
      await startWorker(restarted);
      await waitFor(async () => (await db.message.findUniqueOrThrow({ where: { id: message.id } })).status === 'replied', 15_000, 'the message to be replied');
      const posts = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D0ABORT');
      expect(posts).toHaveLength(1);
      expect(String(posts[0]!.args.text)).toContain('Echo: resume me');
      expect(dify.answeredCount('resume me')).toBe(1);
    } finally {
      await restarted.close();
    }
  });
});
