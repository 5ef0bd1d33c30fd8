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
