/**
 * Issue 9, item 5: another process holding SQLite's write lock (a CLI run, a backup, a second instance) must not
 * freeze the process. SQLite waits for a lock by sleeping on the calling thread; the event loop's connection never
 * does for more than a few ms (asynchronous retries), and ingress writes wait on the writer thread, for at most their
 * deadline. So /healthz answers at once, a callback is answered well inside the platform's deadline (503 when it
 * could not be stored: the platform retries; a 200 means it is stored), and nothing is lost once the lock is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeLatency } from '../support/latency-probe.js';
import { waitFor } from '../support/runtime.js';
import { holdSqliteWriteLock } from '../support/sqlite-lock.js';
import { postSlackDm, slackShows, startServerSuite, type ServerSuite } from '../integration/server/helpers.js';

const HOLD_MS = 12_000;

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

describe('SQLite write lock held by another process (issue 9 item 5)', () => {
  let s: ServerSuite;
  const dm = (channel: string, ts: string, text: string) => postSlackDm(s, { channel, ts, text });
  const shows = (channel: string, text: string) => slackShows(s, channel, text);

  beforeAll(async () => {
    s = await startServerSuite();
    // This run answers while the lock is held, so the worker's writes meet the lock.
    s.dify.script((req) => (req.key === 'slow question' && req.callNumber === 1 ? { headersDelayMs: 1500 } : undefined));
  });
  afterAll(async () => {
    await s?.close();
  });

  it('keeps /healthz fast, answers callbacks in time, and loses nothing', async () => {
    expect((await dm('D0A', '1700000200.000100', 'warm up')).status).toBe(200);
    await waitFor(() => shows('D0A', 'Echo: warm up'), 20_000, 'the first answer');

    expect((await dm('D0S', '1700000201.000100', 'slow question')).status).toBe(200);
    await waitFor(() => s.dify.runRequests().some((r) => r.key === 'slow question'), 10_000, 'the slow question to reach Dify');
    const database = s.e2e.t.runtime.database;
    const holder = await holdSqliteWriteLock(database, HOLD_MS);
    const lockedUntil = Date.now() + HOLD_MS;

    const health = probeLatency(`${s.e2e.web.url}/healthz`, HOLD_MS - 4000, 100);
    await new Promise((r) => setTimeout(r, 300));
    const callback = await timed(dm('D0L', '1700000202.000100', 'during the lock'));
    const ready = await timed(s.e2e.get('/readyz'));
    const answers = await health.results;

    // Before: /healthz took 9.6 s and a callback 11.3 s (a 10 s busy wait on the event loop's thread).
    // Asked every 100 ms for 8 s from another process: nine in ten within 200 ms, none over 500 ms (the margin is for
    // a loaded machine; here it answers in a few ms).
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const times = answers.map((a) => a.ms).sort((a, b) => a - b);
    expect(times[Math.floor(times.length * 0.9)], `answer times: ${times.map(Math.round).join(' ')}`).toBeLessThan(200);
    expect(times.at(-1), `answer times: ${times.map(Math.round).join(' ')}`).toBeLessThan(500);
    expect(callback.ms).toBeLessThan(2000);
    expect([200, 503]).toContain(callback.value.status);
    expect(ready.ms).toBeLessThan(2500);
    expect(ready.value.status).toBe(503);
    expect(JSON.parse(ready.value.text)).toMatchObject({ checks: { database: 'unavailable' }, reasons: { database: expect.stringMatching(/heartbeat write failed/) } });
    expect(Date.now()).toBeLessThan(lockedUntil); // all of the above happened while the lock was held

    await holder.done;
    // A refused callback is retried by the platform; a stored one is a duplicate now. Either way it runs once.
    expect((await dm('D0L', '1700000202.000100', 'during the lock')).status).toBe(200);
    await waitFor(() => shows('D0L', 'Echo: during the lock'), 30_000, 'the callback sent during the lock to be answered');
    await waitFor(() => shows('D0S', 'Echo: slow question'), 30_000, 'the run that met the lock to be answered');
    for (const channel of ['D0L', 'D0S']) {
      expect(s.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel)).toHaveLength(1);
    }
    await waitFor(async () => (await s.e2e.get('/readyz')).status === 200, 10_000, '/readyz to be 200 again');
  }, 90_000);
});
