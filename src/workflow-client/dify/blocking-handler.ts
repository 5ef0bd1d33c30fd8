import type { ReplyFile } from '../../core/reply.js';
import { RemoteStreamFailure, UpstreamError } from '../errors.js';
import { isRecord } from '../http-body.js';
import type { HumanInputPause, WorkflowUsage } from '../types.js';
import type { DifyKind } from './app-mode.js';
import { PauseCollector } from './human-input.js';
import { addUniqueFiles, filesFromOutputs, pickWorkflowAnswer, replyFileFromDify } from './outputs.js';
import { usageFromDify, usageFromTotalTokens } from './usage.js';

export interface BlockingOutcome {
  answer: string;
  files: ReplyFile[];
  usage?: WorkflowUsage;
  conversationId?: string;
  providerIds: { taskId?: string; messageId?: string; workflowRunId?: string };
  humanInput?: HumanInputPause;
}

/** A paused blocking answer's `data` (`reasons`, `paused_nodes`) → the pause. */
function pauseOf(data: Record<string, unknown>, ids: BlockingOutcome['providerIds']): HumanInputPause {
  const collector = new PauseCollector();
  collector.setPaused(data);
  const runIds: { taskId?: string; workflowRunId?: string } = {};
  if (ids.taskId) runIds.taskId = ids.taskId;
  if (ids.workflowRunId) runIds.workflowRunId = ids.workflowRunId;
  return collector.toPause(runIds);
}

/**
 * A blocking answer → the run's outcome.
 * chat / completion: `{event:"message", task_id, message_id, conversation_id, answer, metadata:{usage}}`;
 * chatflow paused for human input: the same with `event:"workflow_paused"`, `workflow_run_id` and
 * `data:{reasons, paused_nodes, status:"paused"}`; workflow: `{task_id, workflow_run_id, data:{status, outputs, error,
 * total_tokens}}`, `data.status:"paused"` (with `reasons`) when it paused.
 * A failed/stopped workflow run is thrown as RemoteStreamFailure (translated by toWorkflowError).
 */
export function readBlockingAnswer(
  body: unknown,
  kind: DifyKind,
  outputSelector: string | null,
  apiBaseUrl: string,
): BlockingOutcome {
  if (!isRecord(body)) throw new UpstreamError('Dify answered with something that is not a JSON object');
  const providerIds: BlockingOutcome['providerIds'] = {};
  if (typeof body.task_id === 'string') providerIds.taskId = body.task_id;
  if (typeof body.workflow_run_id === 'string') providerIds.workflowRunId = body.workflow_run_id;
  const messageId = typeof body.message_id === 'string' ? body.message_id : typeof body.id === 'string' ? body.id : undefined;
  if (messageId && kind !== 'dify_workflow') providerIds.messageId = messageId;

  if (kind === 'dify_workflow') {
    const data = isRecord(body.data) ? body.data : {};
    if (typeof data.id === 'string' && !providerIds.workflowRunId) providerIds.workflowRunId = data.id;
    const status = typeof data.status === 'string' ? data.status : 'succeeded';
    if (status === 'paused') {
      const outcome: BlockingOutcome = { answer: pickWorkflowAnswer(data.outputs, outputSelector) ?? '', files: [], providerIds };
      outcome.humanInput = pauseOf(data, providerIds);
      const usage = usageFromTotalTokens(data.total_tokens);
      if (usage) outcome.usage = usage;
      return outcome;
    }
    if (status === 'failed' || status === 'stopped') {
      throw new RemoteStreamFailure(undefined, `workflow_${status}`, typeof data.error === 'string' && data.error ? data.error : `the workflow run ${status}`);
    }
    const files = filesFromOutputs(data.outputs, apiBaseUrl);
    if (Array.isArray(data.files)) {
      addUniqueFiles(files, data.files.filter(isRecord).map((f) => replyFileFromDify(f, apiBaseUrl)).filter((f): f is ReplyFile => !!f));
    }
    const outcome: BlockingOutcome = { answer: pickWorkflowAnswer(data.outputs, outputSelector) ?? '', files, providerIds };
    const usage = usageFromTotalTokens(data.total_tokens);
    if (usage) outcome.usage = usage;
    return outcome;
  }

  const metadata = isRecord(body.metadata) ? body.metadata : {};
  const outcome: BlockingOutcome = {
    answer: typeof body.answer === 'string' ? body.answer : '',
    files: [],
    providerIds,
  };
  const usage = usageFromDify(metadata.usage);
  if (usage) outcome.usage = usage;
  if (typeof body.conversation_id === 'string' && body.conversation_id) outcome.conversationId = body.conversation_id;
  if (Array.isArray(body.files)) {
    addUniqueFiles(outcome.files, body.files.filter(isRecord).map((f) => replyFileFromDify(f, apiBaseUrl)).filter((f): f is ReplyFile => !!f));
  }
  if (body.event === 'workflow_paused') {
    const data = isRecord(body.data) ? body.data : {};
    if (!providerIds.workflowRunId && typeof data.workflow_run_id === 'string') providerIds.workflowRunId = data.workflow_run_id;
    outcome.humanInput = pauseOf(data, providerIds);
  }
  return outcome;
}
