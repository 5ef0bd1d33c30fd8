import type { Platform } from '../adapters/types.js';
import type { TemplateContext, WorkflowClient, WorkflowConfig } from '../workflow-client/types.js';

/** What the processor needs from the workflow layer, beyond the client itself. */
export interface WorkflowGateway {
  client(config: WorkflowConfig): WorkflowClient;
  /** Renders the binding's input mapping against the message. */
  inputs(config: WorkflowConfig, ctx: TemplateContext): Record<string, unknown>;
  /** A stable workflow-side user id for a platform sender. */
  userId(platform: Platform, senderId: string): string;
  /** Per-binding behaviour the pipeline applies. */
  behaviour(config: WorkflowConfig): { fallbackText: string; resetCommands: string[] };
}

export { DEFAULT_FALLBACK_TEXT } from '../workflow-client/settings.js';
export const RESET_NOTICE = 'Started a new conversation.';
