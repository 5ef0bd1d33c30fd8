import type { Platform } from '../adapters/types.js';
import type { Logger } from '../observability/logger.js';
import { BreakerRegistry } from '../workflow-client/circuit-breaker.js';
import { LimiterRegistry } from '../workflow-client/concurrency-limiter.js';
import { createWorkflowClient } from '../workflow-client/create.js';
import { workflowSettings } from '../workflow-client/settings.js';
import { renderInputs } from '../workflow-client/template.js';
import type { TemplateContext, WorkflowConfig } from '../workflow-client/types.js';
import { userIdFor } from '../workflow-client/user-id.js';
import type { WorkflowGateway } from './workflow-gateway.js';

/**
 * The production WorkflowGateway. Circuit breakers and concurrency limiters live in registries keyed by workflow id,
 * so they outlive the per-run client objects (a client is cheap; its config may change between runs).
 */
export function createWorkflowGateway(deps: { logger: Logger }): WorkflowGateway {
  const breakerRegistry = new BreakerRegistry();
  const limiterRegistry = new LimiterRegistry();
  return {
    client: (config) => createWorkflowClient(config, { logger: deps.logger, breakerRegistry, limiterRegistry }),
    inputs: (config: WorkflowConfig, ctx: TemplateContext) => renderInputs(config.inputMapping, ctx),
    userId: (platform: Platform, senderId: string) => userIdFor(platform, senderId),
    behaviour: (config) => {
      const settings = workflowSettings(config);
      return { fallbackText: settings.fallbackText, resetCommands: settings.resetCommands };
    },
  };
}
