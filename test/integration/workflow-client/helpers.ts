import { BreakerRegistry } from '../../../src/workflow-client/circuit-breaker.js';
import { LimiterRegistry } from '../../../src/workflow-client/concurrency-limiter.js';
import { createWorkflowClient, type WorkflowClientDeps } from '../../../src/workflow-client/create.js';
import { AppMetadataCache } from '../../../src/workflow-client/dify/metadata.js';
import type { TemplateContext, WorkflowClient, WorkflowConfig, WorkflowKind, WorkflowRequest } from '../../../src/workflow-client/types.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { FakeDify } from '../../fakes/fake-dify.js';

let counter = 0;

/** Settings that keep tests fast: tiny backoff, short timeouts. */
export const FAST_SETTINGS = {
  retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2_000 },
  timeouts: { connectMs: 1_000, firstByteMs: 1_000, idleMs: 1_000 },
  breaker: { failureThreshold: 50, cooldownMs: 1_000 },
};

export function configFor(fake: Pick<FakeDify, 'url' | 'apiKey'>, kind: WorkflowKind, overrides: Partial<WorkflowConfig> = {}): WorkflowConfig {
  counter++;
  return {
    id: `wf-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    tenantId: 't-1',
    name: `test workflow ${counter}`,
    kind,
    baseUrl: fake.url,
    apiKey: fake.apiKey,
    inputMapping: {},
    outputSelector: null,
    responseMode: 'streaming',
    timeoutMs: 5_000,
    ...overrides,
    settings: { ...FAST_SETTINGS, ...(overrides.settings ?? {}) },
  };
}

export interface TestDeps extends WorkflowClientDeps {
  breakerRegistry: BreakerRegistry;
  limiterRegistry: LimiterRegistry;
  metadataCache: AppMetadataCache;
}

export function testDeps(overrides: Partial<WorkflowClientDeps> = {}): TestDeps {
  return {
    logger: silentLogger,
    breakerRegistry: new BreakerRegistry(),
    limiterRegistry: new LimiterRegistry(),
    metadataCache: new AppMetadataCache(),
    ...overrides,
  } as TestDeps;
}

export function clientFor(fake: FakeDify, kind: WorkflowKind, overrides: Partial<WorkflowConfig> = {}, deps: WorkflowClientDeps = testDeps()): WorkflowClient {
  return createWorkflowClient(configFor(fake, kind, overrides), deps);
}

export const CONTEXT: TemplateContext = {
  platform: 'slack',
  message: { id: 'm-1', text: 'hello there', receivedAt: '2026-11-21T10:00:00.000Z' },
  sender: { id: 'U123', name: 'Ada' },
  conversation: { id: 'C1', type: 'group', threadId: '1700000000.000100' },
  bot: { id: 'b-1', name: 'Helper' },
  tenant: { id: 't-1' },
};

export function request(query: string, extra: Partial<WorkflowRequest> = {}): WorkflowRequest {
  return { query, inputs: {}, user: 'slack:U123', ...extra };
}
