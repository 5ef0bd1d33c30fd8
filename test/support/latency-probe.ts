/**
 * Measures how fast a URL answers, from another process: a server whose event loop is blocked also blocks any
 * client in its own process, which then cannot see the wait. Requests go one after another, `intervalMs` apart.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

export interface LatencyProbe {
  /** Resolves with each request's time to a full answer (ms) and its status, when the probe ends. */
  results: Promise<{ ms: number; status: number }[]>;
}

export function probeLatency(url: string, durationMs: number, intervalMs: number): LatencyProbe {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `(async () => {
        const out = [];
        // Warm up the client (fetch loads lazily) so the first sample measures the server, not the client.
        await fetch(${JSON.stringify(url)}).then((res) => res.text()).catch(() => undefined);
        const end = Date.now() + ${durationMs};
        while (Date.now() < end) {
          const started = performance.now();
          let status = 0;
          try { const res = await fetch(${JSON.stringify(url)}); await res.text(); status = res.status; } catch {}
          out.push({ ms: performance.now() - started, status });
          await new Promise((r) => setTimeout(r, ${intervalMs}));
        }
        process.stdout.write(JSON.stringify(out));
      })();`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { results: once(child, 'close').then(() => JSON.parse(text) as { ms: number; status: number }[]) };
}
