/**
 * A whole Switchboard (web + worker, real adapters, real workflow client) against fakes on 127.0.0.1, set up through
 * the declarative config like a user would. The code under test is the production path end to end.
 */
import { parseDeclarativeConfig } from '../../src/config/declarative-parse.js';
import { applyDeclarativeConfig } from '../../src/config/declarative-apply.js';
import type { Logger } from '../../src/observability/logger.js';
import type { PlatformAdapter } from '../../src/adapters/types.js';
import { startWeb, startWorker, type WebHandle, type WorkerHandle } from '../../src/main.js';
import { createTestRuntime, type TestRuntime, type TestRuntimeOptions } from './runtime.js';

export interface E2E {
  t: TestRuntime;
  web: WebHandle;
  worker: WorkerHandle;
  post(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  get(path: string): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export async function startE2E(opts: {
  yaml: string;
  secrets: Record<string, string>;
  env?: Record<string, string>;
  database?: TestRuntimeOptions['database'];
  redisUrl?: string;
  /** Where the process logs (tests that assert log lines); silent by default. */
  logger?: Logger;
  /** Real adapters built with test tuning (short timeouts) instead of the runtime's defaults. */
  adapters?: PlatformAdapter[];
}): Promise<E2E> {
  const t = await createTestRuntime({
    database: opts.database ?? 'sqlite',
    redisUrl: opts.redisUrl,
    env: opts.env,
    ...(opts.logger ? { logger: opts.logger } : {}),
    ...(opts.adapters ? { adapters: opts.adapters } : {}),
  });
  const parsed = parseDeclarativeConfig(opts.yaml, opts.secrets, 'e2e.yaml');
  await applyDeclarativeConfig(parsed, { stores: t.runtime.repos, adapters: t.runtime.adapters });
  const worker = await startWorker(t.runtime);
  const web = await startWeb(t.runtime, { port: 0, host: '127.0.0.1' });
  const request = async (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) => {
    const res = await fetch(web.url + path, { method, body, headers });
    return { status: res.status, text: await res.text() };
  };
  return {
    t,
    web,
    worker,
    post: (path, body, headers) => request('POST', path, body, headers),
    get: (path) => request('GET', path),
    async close() {
      await web.close();
      await worker.close();
      await t.dispose();
    },
  };
}
