/**
 * What the workflow client costs on top of reading a Dify stream raw.
 * A 2,000-chunk SSE answer from the fake Dify (127.0.0.1), read (a) raw with node:http counting bytes — the
 * baseline — and (b) through the full client path (`run` with onText: axios, SSE parsing, event handling,
 * timeouts, breaker, limiter). Median of several rounds each, order alternated; ratio b/a in the same run.
 *
 * Two server pacings: one event per write (how Dify streams; the target) and a single burst (pure parsing cost).
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/observability/logger.js';
import { BreakerRegistry } from '../src/workflow-client/circuit-breaker.js';
import { LimiterRegistry } from '../src/workflow-client/concurrency-limiter.js';
import { createWorkflowClient } from '../src/workflow-client/create.js';
import { AppMetadataCache } from '../src/workflow-client/dify/metadata.js';
import type { WorkflowConfig } from '../src/workflow-client/types.js';
import { FakeDify, type ScriptStep } from '../test/fakes/fake-dify.js';
import type { BenchReport, BenchRow } from './types.js';

const CHUNKS = 2_000;
const ROUNDS = 11;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function readRaw(fake: FakeDify, query: string): Promise<number> {
  const body = JSON.stringify({ query, inputs: {}, user: 'bench', response_mode: 'streaming' });
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${fake.url}/chat-messages`,
      { method: 'POST', headers: { Authorization: `Bearer ${fake.apiKey}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => resolve(bytes));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(label: string, pacing: ScriptStep, fake: FakeDify): Promise<{ raw: number[]; client: number[]; bytes: number }> {
  fake.script(() => pacing);
  const config: WorkflowConfig = {
    id: `bench-${label}`,
    tenantId: 'bench',
    name: 'bench',
    kind: 'dify_chat',
    baseUrl: fake.url,
    apiKey: fake.apiKey,
    inputMapping: {},
    outputSelector: null,
    responseMode: 'streaming',
    timeoutMs: 60_000,
    settings: {},
  };
  const client = createWorkflowClient(config, {
    logger: silentLogger,
    breakerRegistry: new BreakerRegistry(),
    limiterRegistry: new LimiterRegistry(),
    metadataCache: new AppMetadataCache(),
  });
  const answer = 'x'.repeat(CHUNKS * 8);
  fake.options = { ...fake.options, answer, chunks: CHUNKS };
  let bytes = 0;
  const runRaw = async () => {
    const started = performance.now();
    bytes = await readRaw(fake, 'bench');
    return performance.now() - started;
  };
  const runClient = async () => {
    let deltas = 0;
    const started = performance.now();
    const result = await client.run({ query: 'bench', inputs: {}, user: 'bench' }, { onText: () => deltas++ });
    const elapsed = performance.now() - started;
    if (deltas !== CHUNKS || result.answer.length !== answer.length) throw new Error(`bench: got ${deltas} deltas`);
    return elapsed;
  };
  await runRaw(); // warm up both paths (JIT, keep-alive, metadata cache)
  await runClient();
  const raw: number[] = [];
  const viaClient: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      raw.push(await runRaw());
      viaClient.push(await runClient());
    } else {
      viaClient.push(await runClient());
      raw.push(await runRaw());
    }
    fake.reset();
    fake.script(() => pacing);
  }
  return { raw, client: viaClient, bytes };
}

function rows(label: string, m: { raw: number[]; client: number[]; bytes: number }): BenchRow[] {
  const base = median(m.raw);
  const full = median(m.client);
  const extra = (values: number[]) => ({ min: Number(Math.min(...values).toFixed(2)), max: Number(Math.max(...values).toFixed(2)), rounds: values.length, bytes: m.bytes });
  return [
    { label: `${label}: raw http read (baseline)`, value: Number(base.toFixed(2)), unit: 'ms', ratio: 1, extra: extra(m.raw) },
    { label: `${label}: client run with onText`, value: Number(full.toFixed(2)), unit: 'ms', ratio: Number((full / base).toFixed(3)), extra: extra(m.client) },
  ];
}

export default async function bench(): Promise<BenchReport> {
  const fake = await FakeDify.start({ mode: 'chat' });
  try {
    const paced = await measure('per-event writes', { chunkDelayMs: 0 }, fake);
    const burst = await measure('single burst', {}, fake);
    const pacedRows = rows(`${CHUNKS} chunks, one event per write`, paced);
    const burstRows = rows(`${CHUNKS} chunks, one burst`, burst);
    const ratio = pacedRows[1]?.ratio ?? Infinity;
    return {
      name: 'dify-client',
      rows: [...pacedRows, ...burstRows],
      targets: [{ description: `client adds under 20 % over a raw read of a ${CHUNKS}-chunk stream (one event per write): ratio ${ratio}`, met: ratio < 1.2 }],
    };
  } finally {
    await fake.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  bench().then((report) => console.log(JSON.stringify(report, null, 2)), (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
