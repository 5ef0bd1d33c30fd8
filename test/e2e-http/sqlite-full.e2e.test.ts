/**
 * Issue 9, item 1: a full disk must not wedge the worker. While SQLite cannot grow, callbacks answer 503 and /readyz
 * is 503 naming the database; once space is back, new messages are processed without a restart, and the message
 * that was mid-run when the disk filled up is finished too.
 *
 * The disk is made full deterministically (see fillSqliteDatabase). The message that is mid-run has a long text, so
 * its row has overflow pages and every update of it must allocate a page: the worker's first failing write is then
 * certain to fail inside one of Prisma's implicit transactions (updateMany), the case that used to leave the
 * connection's transaction lock held forever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillSqliteDatabase } from '../support/sqlite-full.js';
import { waitFor } from '../support/runtime.js';
import { postSlackDm, slackShows, startServerSuite, type ServerSuite } from '../integration/server/helpers.js';

/** 6 KB of text: a row that does not fit in one page. */
const LONG = '磁盘'.repeat(1000);

async function readyz(s: ServerSuite): Promise<{ status: number; body: { checks: Record<string, string>; reasons?: Record<string, string> } }> {
  const res = await s.e2e.get('/readyz');
  return { status: res.status, body: JSON.parse(res.text) as { checks: Record<string, string>; reasons?: Record<string, string> } };
}

describe('SQLite full disk (issue 9 item 1)', () => {
  let s: ServerSuite;
  const dm = (channel: string, ts: string, text: string) => postSlackDm(s, { channel, ts, text });
  const shows = (channel: string, text: string) => slackShows(s, channel, text);

  beforeAll(async () => {
    // Plenty of quick retries: the message caught by the full disk keeps trying until space is back.
    s = await startServerSuite({ JOB_ATTEMPTS: '50', JOB_BACKOFF_MS: '100', JOB_MAX_BACKOFF_MS: '300' });
    // The first answer of the long message is held back until the disk is full.
    s.dify.script((req) => (req.key.startsWith('磁盘') && req.callNumber === 1 ? { headersDelayMs: 2500 } : undefined));
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers 503 while full, and processes new and interrupted messages once space is back, without a restart', async () => {
    expect((await dm('D0A', '1700000100.000100', 'warm up')).status).toBe(200);
    await waitFor(() => shows('D0A', 'Echo: warm up'), 20_000, 'the first answer');
    expect((await readyz(s)).status).toBe(200);

    // A long message is accepted and its workflow run starts; then the disk fills up.
    expect((await dm('D0B', '1700000101.000100', LONG)).status).toBe(200);
    await waitFor(() => s.dify.runRequests().some((r) => r.key === LONG), 10_000, 'the long message to reach Dify');
    const database = s.e2e.t.runtime.database;
    const full = await fillSqliteDatabase(database);

    // A callback that cannot be stored is refused in time: the platform retries it.
    const started = Date.now();
    const refused = await dm('D0C', '1700000102.000100', `${LONG} again`);
    expect(refused.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2000);
    const notReady = await readyz(s);
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks.database).toBe('unavailable');
    expect(notReady.body.reasons?.database).toMatch(/SQLITE_FULL/);

    // The held run answers while the disk is full: its writes fail, inside Prisma's transactions among others.
    await waitFor(() => s.dify.answeredCount(LONG) >= 1, 10_000, 'the held run to answer');
    await new Promise((r) => setTimeout(r, 1000));

    await full.release();
    expect((await dm('D0D', '1700000103.000100', 'after the disk was freed')).status).toBe(200);
    await waitFor(() => shows('D0D', 'Echo: after the disk was freed'), 20_000, 'a new message to be answered after space is back');
    await waitFor(() => shows('D0B', `Echo: ${LONG}`), 20_000, 'the interrupted long message to be answered');
    // The platform's retry of the refused callback is stored and answered now.
    expect((await dm('D0C', '1700000102.000100', `${LONG} again`)).status).toBe(200);
    await waitFor(() => shows('D0C', `Echo: ${LONG} again`), 20_000, 'the retried callback to be answered');
    await waitFor(async () => (await readyz(s)).status === 200, 10_000, '/readyz to be 200 again');

    const statuses = await database.db.message.groupBy({ by: ['status'], _count: true });
    expect(statuses).toEqual([{ status: 'replied', _count: 4 }]);
    // Each answer was posted once.
    for (const channel of ['D0A', 'D0B', 'D0C', 'D0D']) {
      expect(s.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel)).toHaveLength(1);
    }
  }, 120_000);
});
