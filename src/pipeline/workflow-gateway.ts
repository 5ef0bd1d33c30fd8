import type { Platform } from '../adapters/types.js';
import type { TemplateContext, WorkflowClient, WorkflowConfig, WorkflowResult } from '../workflow-client/types.js';

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

/**
 * Sent to the chat, and kept in the message's log as a notice delivery, when the workflow's conversation could not be
 * continued (Dify no longer knew it, or it had ended) and the run started a new one.
 */
export function conversationRestartNotice(reason: WorkflowResult['conversationRestartReason']): string {
  return reason === 'completed'
    ? 'The previous conversation had ended, so a new one was started.'
    : 'The previous conversation could no longer be found, so a new one was started.';
}
