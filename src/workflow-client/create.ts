import type { EgressAgents } from '../egress/index.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { DnsLookup } from './attempt.js';
import { BreakerRegistry } from './circuit-breaker.js';
import { LimiterRegistry } from './concurrency-limiter.js';
import { DifyWorkflowClient } from './dify/client.js';
import { AppMetadataCache } from './dify/metadata.js';
import { HttpWorkflowClient } from './http/client.js';
import { httpBackendSettings } from './http/settings.js';
import type { CallGuards } from './resilient-call.js';
import { workflowSettings } from './settings.js';
import { validateMapping } from './template.js';
import type { WorkflowClient, WorkflowConfig, WorkflowKind } from './types.js';

export interface WorkflowClientDeps {
  logger: Logger;
  /** Breakers per workflow id. @defaultValue a process-wide registry */
  breakerRegistry?: BreakerRegistry;
  /** Concurrency caps per workflow id. @defaultValue a process-wide registry */
  limiterRegistry?: LimiterRegistry;
  /** `/v1/info` and `/v1/parameters` answers per binding. @defaultValue a process-wide cache */
  metadataCache?: AppMetadataCache;
  /** Milliseconds since the epoch. @defaultValue Date.now */
  clock?: () => number;
  /** Jitter source. @defaultValue Math.random */
  random?: () => number;
  /** DNS resolution hook for outgoing connections (split-horizon deployments, tests). */
  lookup?: DnsLookup;
  /** The egress policy and agents every call goes through. @defaultValue the process's (see configureProcessEgress) */
  egress?: EgressAgents;
  /**
   * Told about each stream event the client does not know. The event is ignored either way (never a crash); this is
   * where a caller counts it (the pipeline feeds a metric).
   */
  onUnknownEvent?: (info: { workflowId: string; kind: WorkflowKind; event: string }) => void;
}

const processBreakers = new BreakerRegistry();
const processLimiters = new LimiterRegistry();
const processMetadata = new AppMetadataCache();

/**
 * The workflow client of one binding. Cheap to create: breakers, concurrency caps and app metadata live in
 * registries keyed by workflow id, so re-creating the client (config reload) keeps them.
 * Throws ConfigError when the settings, the input mapping or the base URL are invalid.
 */
export function createWorkflowClient(config: WorkflowConfig, deps: WorkflowClientDeps): WorkflowClient {
  const settings = workflowSettings(config);
  const problems = validateMapping(config.inputMapping);
  if (problems.length > 0) throw new ConfigError(`workflow "${config.name}": ${problems.join('; ')}`, { code: 'template_invalid' });
  try {
    const url = new URL(config.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new ConfigError(`workflow "${config.name}": the base URL is not a valid http(s) URL`, { code: 'workflow_base_url_invalid' });
  }
  if (!Number.isFinite(config.timeoutMs) || config.timeoutMs <= 0) {
    throw new ConfigError(`workflow "${config.name}": timeoutMs must be a positive number`, { code: 'workflow_settings_invalid' });
  }

  const clock = deps.clock ?? Date.now;
  const breakerRegistry = deps.breakerRegistry ?? processBreakers;
  const limiterRegistry = deps.limiterRegistry ?? processLimiters;
  const logger = deps.logger.child({ workflowId: config.id });
  const guards: CallGuards = {
    workflowId: config.id,
    policy: settings.retry,
    limits: { ...settings.timeouts, totalMs: config.timeoutMs },
    breaker: breakerRegistry.get(config.id, settings.breaker),
    limiter: limiterRegistry.get(config.id, settings.concurrency, settings.maxWaiting),
    logger,
    ...(deps.random ? { random: deps.random } : {}),
  };

  if (config.kind === 'http') {
    return new HttpWorkflowClient(config, httpBackendSettings(config), {
      guards,
      clock,
      ...(deps.lookup ? { lookup: deps.lookup } : {}),
      ...(deps.egress ? { egress: deps.egress } : {}),
    });
  }
  const onUnknownEvent = deps.onUnknownEvent;
  return new DifyWorkflowClient(
    { ...config, kind: config.kind },
    {
      logger,
      guards,
      clock,
      metadata: deps.metadataCache ?? processMetadata,
      ...(deps.lookup ? { lookup: deps.lookup } : {}),
      ...(deps.egress ? { egress: deps.egress } : {}),
      ...(onUnknownEvent ? { onUnknownEvent: (event: string) => onUnknownEvent({ workflowId: config.id, kind: config.kind, event }) } : {}),
    },
  );
}
