import type { CheckReport, FilePayload, ReplyFile } from '../adapters/types.js';

export type WorkflowKind = 'dify_chat' | 'dify_workflow' | 'dify_completion' | 'http';

/** A workflow binding as the client sees it: API key decrypted, never logged. */
export interface WorkflowConfig {
  id: string;
  tenantId: string;
  name: string;
  kind: WorkflowKind;
  baseUrl: string;
  apiKey: string;
  /** Template per workflow input, e.g. { customer: '{{sender.id}}' }. */
  inputMapping: Record<string, string>;
  /** Which output holds the answer (workflow apps: an output variable name; http: a JSON path). */
  outputSelector: string | null;
  responseMode: 'streaming' | 'blocking';
  /** Total time budget of one attempt, ms. */
  timeoutMs: number;
  /** Kind-specific settings (retry budget, concurrency cap, fallback text, reset command, http headers). */
  settings: Record<string, unknown>;
}

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

export interface WorkflowUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  totalPrice?: string;
  currency?: string;
}

export interface HumanInputRequest {
  /** Provider ids needed to resume. */
  taskId?: string;
  workflowRunId?: string;
  nodeId?: string;
  /** The form the workflow asks for, as the provider sent it. */
  form: unknown;
}

export interface WorkflowResult {
  answer: string;
  files: ReplyFile[];
  conversationId?: string;
  /** True when the stored conversation was gone and a new one was started. */
  conversationRestarted?: boolean;
  usage?: WorkflowUsage;
  latencyMs: number;
  providerIds: { taskId?: string; messageId?: string; workflowRunId?: string };
  humanInput?: HumanInputRequest;
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
  /** Called when the answer so far is replaced (Dify message_replace). */
  onReplace?: (text: string) => void;
  /** The caller's budget for this input; without it each call retries up to its binding's `retry.attempts`. */
  budget?: RetryBudget;
}

export interface WorkflowClient {
  run(req: WorkflowRequest, opts?: RunOptions): Promise<WorkflowResult>;
  check(): Promise<CheckReport>;
}
