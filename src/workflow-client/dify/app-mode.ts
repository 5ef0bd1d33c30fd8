import type { WorkflowKind } from '../types.js';

/** App modes `/v1/info` reports (`agent`: Dify's New Agent app type, 1.16+; `agent-chat`: the older Agent app). */
export type DifyAppMode = 'chat' | 'advanced-chat' | 'agent-chat' | 'agent' | 'workflow' | 'completion';

export type DifyKind = Exclude<WorkflowKind, 'http'>;

/** Which app modes each binding kind can drive. */
export const MODES_FOR_KIND: Record<DifyKind, readonly DifyAppMode[]> = {
  dify_chat: ['chat', 'advanced-chat', 'agent-chat', 'agent'],
  dify_workflow: ['workflow'],
  dify_completion: ['completion'],
};

/** Words people see in Dify's console for each mode / kind. */
export const MODE_LABELS: Record<string, string> = {
  chat: 'chat',
  'advanced-chat': 'chatflow',
  'agent-chat': 'agent',
  agent: 'New Agent',
  workflow: 'workflow',
  completion: 'completion (text generator)',
};

export const KIND_LABELS: Record<DifyKind, string> = {
  dify_chat: 'chat',
  dify_workflow: 'workflow',
  dify_completion: 'completion',
};

/** App modes that answer in streaming mode only (Dify refuses `response_mode: blocking` for them). */
export const STREAMING_ONLY_MODES: readonly string[] = ['agent-chat', 'agent'];

export function kindForMode(mode: string): DifyKind | undefined {
  for (const [kind, modes] of Object.entries(MODES_FOR_KIND) as [DifyKind, readonly string[]][]) {
    if (modes.includes(mode)) return kind;
  }
  return undefined;
}

/** The run endpoint of each kind, and where its tasks are stopped. */
export const ENDPOINTS: Record<DifyKind, { run: string; stop: (taskId: string) => string }> = {
  dify_chat: { run: '/chat-messages', stop: (id) => `/chat-messages/${encodeURIComponent(id)}/stop` },
  dify_completion: { run: '/completion-messages', stop: (id) => `/completion-messages/${encodeURIComponent(id)}/stop` },
  dify_workflow: { run: '/workflows/run', stop: (id) => `/workflows/tasks/${encodeURIComponent(id)}/stop` },
};

/** "a chat app", "an agent app". */
export function withArticle(label: string): string {
  return /^[aeiou]/i.test(label) ? `an ${label}` : `a ${label}`;
}
