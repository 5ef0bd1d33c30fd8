import type { Platform } from '../adapters/types.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { BreakerRegistry } from '../workflow-client/circuit-breaker.js';
import { LimiterRegistry } from '../workflow-client/concurrency-limiter.js';
import { createWorkflowClient } from '../workflow-client/create.js';
import { workflowSettings } from '../workflow-client/settings.js';
import { renderInputs } from '../workflow-client/template.js';
import type { TemplateContext, WorkflowConfig, WorkflowKind } from '../workflow-client/types.js';
import { userIdFor } from '../workflow-client/user-id.js';
import type { WorkflowGateway } from './workflow-gateway.js';

/** Distinct event names a process labels its unknown-event metric with; later names count as `other`. */
const MAX_EVENT_LABELS = 50;

/** Counts stream events the workflow client does not know (they are ignored), by binding kind and event name. */
function unknownEventCounter(metrics: Pick<Metrics, 'workflowUnknownEvents'> | undefined, logger: Logger) {
  const labels = new Set<string>();
  return (info: { workflowId: string; kind: WorkflowKind; event: string }) => {
    // The name comes from the remote: bounded in length, charset and count so it cannot blow up the metric.
    let event = info.event.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 48) || 'unnamed';
    if (!labels.has(event)) {
      if (labels.size >= MAX_EVENT_LABELS) event = 'other';
      else labels.add(event);
    }
    metrics?.workflowUnknownEvents.inc({ kind: info.kind, event });
    logger.debug({ workflowId: info.workflowId, event }, 'unknown workflow stream event ignored');
  };
}

/**
 * The production WorkflowGateway. Circuit breakers and concurrency limiters live in registries keyed by workflow id,
 * so they outlive the per-run client objects (a client is cheap; its config may change between runs).
 */
export function createWorkflowGateway(deps: { logger: Logger; metrics?: Pick<Metrics, 'workflowUnknownEvents'> }): WorkflowGateway {
  const breakerRegistry = new BreakerRegistry();
  const limiterRegistry = new LimiterRegistry();
  const onUnknownEvent = unknownEventCounter(deps.metrics, deps.logger);
  return {
    client: (config) => createWorkflowClient(config, { logger: deps.logger, breakerRegistry, limiterRegistry, onUnknownEvent }),
    inputs: (config: WorkflowConfig, ctx: TemplateContext) => renderInputs(config.inputMapping, ctx),
    userId: (platform: Platform, senderId: string) => userIdFor(platform, senderId),
    behaviour: (config) => {
      const settings = workflowSettings(config);
      return { fallbackText: settings.fallbackText, resetCommands: settings.resetCommands };
    },
  };
}
