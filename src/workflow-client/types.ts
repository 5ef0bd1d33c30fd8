import type { CheckReport } from '../core/check-report.js';
import type { FilePayload, ReplyFile } from '../core/reply.js';

export type { WorkflowConfig, WorkflowKind } from '../core/workflow.js';

/** The context templates render against (`{{message.text}}`, `{{sender.id}}`, ...). */
export interface TemplateContext {
  platform: string;
  message: { id: string; text: string; receivedAt: string };
  sender: { id: string; name?: string };
  conversation: { id: string; type: string; threadId?: string };
  bot: { id: string; name: string };
  tenant: { id: string };
}

export interface WorkflowRequest {
  query: string;
  inputs: Record<string, unknown>;
  /** Stable per platform + sender. */
  user: string;
  /** The workflow engine's conversation id from an earlier turn, if any. */
  conversationId?: string;
  files?: FilePayload[];
  traceId?: string;
  /** The normalized message, for backends that post it (generic HTTP). */
  context?: TemplateContext;
}

/** Token counts the provider reported; a count it did not report is undefined (unknown), never 0. */
export interface WorkflowUsage {
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
  totalPrice?: string;
  currency?: string;
}

/** One form a paused run waits for (Dify: a Human Input node, or a New Agent's ask_human tool). */
export interface HumanInputForm {
  formId?: string;
  /** Token for the provider's form API; null when the form is delivered another way (e.g. e-mail only). */
  formToken?: string | null;
  nodeId?: string;
  nodeTitle?: string;
  /** Unix seconds after which the form can no longer be submitted. */
  expirationTime?: number;
  /** The form as the provider sent it. */
  data: Record<string, unknown>;
}

/** A run paused for human input: every form it waits for, and the provider's reasons as sent. */
export interface HumanInputPause {
  /** Provider ids needed to resume. */
  taskId?: string;
  workflowRunId?: string;
  /** The first form's node. */
  nodeId?: string;
  /** The first form as the provider sent it (kept for readers of the single-form shape). */
  form: unknown;
  /** Every form of the pause, in the order the provider announced them. */
  forms: HumanInputForm[];
  /** Dify's `workflow_paused.reasons` (or a blocking answer's `data.reasons`), as sent; empty when not given. */
  reasons: unknown[];
  pausedNodes?: string[];
}

/** @deprecated The single-form name of {@link HumanInputPause}. */
export type HumanInputRequest = HumanInputPause;

export interface WorkflowResult {
  answer: string;
  files: ReplyFile[];
  conversationId?: string;
  /** True when the stored conversation could not be continued and a new one was started (once per run). */
  conversationRestarted?: boolean;
  /** Why: the provider no longer knew the conversation, or it had ended (Dify `conversation_completed`). */
  conversationRestartReason?: 'not_found' | 'completed';
  usage?: WorkflowUsage;
  latencyMs: number;
  providerIds: { taskId?: string; messageId?: string; workflowRunId?: string };
  /** Set when the run paused for human input: the run is not finished, `answer` holds what came before the pause. */
  humanInput?: HumanInputPause;
  /** Unknown stream events seen (ignored, counted). */
  unknownEvents?: number;
}

/**
 * The retry budget of the input a run serves (one chat message), shared by every call the run makes and by the
 * caller's own later attempts: retries inside a call take from it too.
 */
export interface RetryBudget {
  /** Identifies the input: the circuit breaker counts the failures of one input once. */
  readonly key: string;
  /**
   * Asked before each retry inside a call, with the backoff about to be waited: true takes one try from the budget,
   * false (tries or time spent) ends the call with its last failure.
   */
  tryAgain(afterMs: number): Promise<boolean>;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Called with each text delta while streaming. */
  onText?: (delta: string) => void;
  /** Called when the answer so far is replaced (Dify message_replace, a workflow's final output). */
  onReplace?: (text: string) => void;
  /** Called with each reasoning delta (Dify `reasoning_chunk`), for platforms that show a "thinking" state. Never
   * part of the answer. `final` marks the end of one node's reasoning (its delta may be empty). */
  onReasoning?: (delta: string, info: { nodeId?: string; final: boolean }) => void;
  /** The caller's budget for this input; without it each call retries up to its binding's `retry.attempts`. */
  budget?: RetryBudget;
}

export interface WorkflowClient {
  run(req: WorkflowRequest, opts?: RunOptions): Promise<WorkflowResult>;
  check(): Promise<CheckReport>;
}
