import type { EventSourceMessage } from 'eventsource-parser';
import type { ReplyFile } from '../../core/reply.js';
import { RemoteStreamFailure } from '../errors.js';
import { isRecord } from '../http-body.js';
import type { SseVerdict } from '../sse.js';
import type { HumanInputPause, RunOptions, WorkflowUsage } from '../types.js';
import type { DifyKind } from './app-mode.js';
import { PauseCollector } from './human-input.js';
import { addUniqueFiles, filesFromOutputs, pickWorkflowAnswer, replyFileFromDify, replyFileFromMessageFile } from './outputs.js';
import { usageFromDify, usageFromTotalTokens } from './usage.js';

/** Events we know and deliberately ignore (progress, thoughts, audio). Anything else is counted as unknown. */
const IGNORED_EVENTS = new Set([
  'ping',
  'agent_thought',
  'agent_log',
  'tts_message',
  'tts_message_end',
  'workflow_started',
  'node_started',
  'node_finished',
  'node_retry',
  'iteration_started',
  'iteration_next',
  'iteration_completed',
  'loop_started',
  'loop_next',
  'loop_completed',
  'parallel_branch_started',
  'parallel_branch_finished',
  'text_replace',
  'human_input_form_filled',
  'human_input_form_timeout',
]);

export type StreamCallbacks = Pick<RunOptions, 'onText' | 'onReplace' | 'onReasoning'> & {
  /** An event this client does not know (or whose data is not a JSON object): ignored, reported here. */
  onUnknownEvent?: (event: string) => void;
};

/**
 * Folds Dify's stream events into a run result. Pure: no I/O; text goes out through the caller's callbacks.
 *
 * Terminal events: `message_end` (chat, chatflow, agent, New Agent, completion), `workflow_finished` (workflow apps),
 * `workflow_paused` (human input: a graceful end), `error` (a failure, see `failure`). A New Agent app streams
 * `agent_message` deltas, then one `message` carrying the whole answer: that one is the final answer, not more text.
 */
export class DifyStreamHandler {
  answer = '';
  readonly files: ReplyFile[] = [];
  usage?: WorkflowUsage;
  conversationId?: string;
  readonly providerIds: { taskId?: string; messageId?: string; workflowRunId?: string } = {};
  unknownEvents = 0;
  /** A terminal event was seen. */
  finished = false;
  failure?: RemoteStreamFailure;
  /** Something already reached onText / onReplace: the run must not be repeated silently. */
  textDelivered = false;
  private streamedText = '';
  private sawAgentMessage = false;
  private readonly pause = new PauseCollector();

  constructor(
    private readonly kind: DifyKind,
    private readonly outputSelector: string | null,
    private readonly apiBaseUrl: string,
    private readonly callbacks: StreamCallbacks,
    /** The app's mode when `/v1/info` told it; the New Agent closing-message rule applies unless it is another. */
    private readonly appMode?: string,
  ) {}

  /** Set when the run paused for human input (every form announced so far, and the pause reasons). */
  get humanInput(): HumanInputPause | undefined {
    return this.pause.hasPause ? this.pause.toPause(this.runIds()) : undefined;
  }

  /** One SSE message; returns 'stop' after a terminal event. */
  handle(message: EventSourceMessage): SseVerdict {
    if (message.event === 'ping') return 'continue';
    let payload: unknown;
    try {
      payload = JSON.parse(message.data);
    } catch {
      payload = undefined;
    }
    if (!isRecord(payload)) return this.unknown(message.event ?? '(malformed)');
    const event = typeof payload.event === 'string' ? payload.event : (message.event ?? '');
    this.collectIds(payload);
    switch (event) {
      case 'agent_message':
        this.sawAgentMessage = true;
        if (typeof payload.answer === 'string' && payload.answer !== '') this.appendText(payload.answer);
        return 'continue';
      case 'message':
        if (typeof payload.answer !== 'string') return 'continue';
        if (this.sawAgentMessage && (this.appMode ?? 'agent') === 'agent') this.finalAnswer(payload.answer); // New Agent's closing message: the whole answer
        else if (payload.answer !== '') this.appendText(payload.answer);
        return 'continue';
      case 'reasoning_chunk': {
        const data = isRecord(payload.data) ? payload.data : {};
        const reasoning = typeof data.reasoning === 'string' ? data.reasoning : '';
        const info = { final: data.is_final === true, ...(typeof data.node_id === 'string' ? { nodeId: data.node_id } : {}) };
        if (reasoning !== '' || info.final) this.callbacks.onReasoning?.(reasoning, info);
        return 'continue';
      }
      case 'text_chunk': {
        const data = isRecord(payload.data) ? payload.data : {};
        if (typeof data.text === 'string' && data.text !== '') this.appendText(data.text);
        return 'continue';
      }
      case 'message_replace':
        if (typeof payload.answer === 'string') this.replaceText(payload.answer);
        return 'continue';
      case 'message_file': {
        const file = replyFileFromMessageFile(payload, this.apiBaseUrl);
        if (file && payload.belongs_to !== 'user') addUniqueFiles(this.files, [file]);
        return 'continue';
      }
      case 'message_end': {
        const metadata = isRecord(payload.metadata) ? payload.metadata : {};
        this.usage = usageFromDify(metadata.usage) ?? this.usage;
        if (Array.isArray(payload.files)) this.addFileObjects(payload.files);
        this.finished = true;
        return 'stop';
      }
      case 'workflow_finished':
        return this.workflowFinished(isRecord(payload.data) ? payload.data : {});
      case 'human_input_required':
        this.pause.addForm(isRecord(payload.data) ? payload.data : {});
        return 'continue';
      case 'workflow_paused':
        this.pause.setPaused(isRecord(payload.data) ? payload.data : {});
        this.finished = true;
        return 'stop';
      case 'error': {
        const status = typeof payload.status === 'number' ? payload.status : undefined;
        const code = typeof payload.code === 'string' ? payload.code : undefined;
        const text = typeof payload.message === 'string' ? payload.message : 'stream error';
        this.failure = new RemoteStreamFailure(status, code, text);
        this.finished = true;
        return 'stop';
      }
      default:
        return IGNORED_EVENTS.has(event) ? 'continue' : this.unknown(event);
    }
  }

  private unknown(event: string): SseVerdict {
    this.unknownEvents++;
    this.callbacks.onUnknownEvent?.(event);
    return 'continue';
  }

  private workflowFinished(data: Record<string, unknown>): SseVerdict {
    const status = typeof data.status === 'string' ? data.status : 'succeeded';
    if (status === 'paused') {
      this.pause.setPaused(data);
      this.finished = true;
      return 'stop';
    }
    if (status === 'failed' || status === 'stopped') {
      const text = typeof data.error === 'string' && data.error ? data.error : `the workflow run ${status}`;
      this.failure = new RemoteStreamFailure(undefined, `workflow_${status}`, text);
      // In a chatflow an `error` event usually follows; a workflow app ends here.
      if (this.kind === 'dify_workflow') {
        this.finished = true;
        return 'stop';
      }
      return 'continue';
    }
    if (this.kind !== 'dify_workflow') return 'continue'; // chatflow: message_end follows with the usage
    const selected = pickWorkflowAnswer(data.outputs, this.outputSelector);
    if (selected !== undefined && selected !== this.answer) {
      this.answer = selected;
      if (this.textDelivered) this.callbacks.onReplace?.(selected);
    }
    addUniqueFiles(this.files, filesFromOutputs(data.outputs, this.apiBaseUrl));
    if (Array.isArray(data.files)) this.addFileObjects(data.files);
    this.usage = this.usage ?? usageFromTotalTokens(data.total_tokens);
    this.finished = true;
    return 'stop';
  }

  private addFileObjects(list: unknown[]): void {
    for (const item of list) {
      if (!isRecord(item)) continue;
      const file = replyFileFromDify(item, this.apiBaseUrl);
      if (file) addUniqueFiles(this.files, [file]);
    }
  }

  private appendText(delta: string): void {
    this.streamedText += delta;
    this.answer = this.streamedText;
    if (this.callbacks.onText) {
      this.textDelivered = true;
      this.callbacks.onText(delta);
    }
  }

  /** The whole answer arrived again at the end: keep it, tell the caller only if it differs from what was shown. */
  private finalAnswer(text: string): void {
    if (text === this.streamedText) return;
    this.replaceText(text);
  }

  private replaceText(text: string): void {
    this.streamedText = text;
    this.answer = text;
    if (this.callbacks.onReplace) {
      this.textDelivered = true;
      this.callbacks.onReplace(text);
    }
  }

  private collectIds(payload: Record<string, unknown>): void {
    if (typeof payload.task_id === 'string') this.providerIds.taskId = payload.task_id;
    if (typeof payload.workflow_run_id === 'string') this.providerIds.workflowRunId = payload.workflow_run_id;
    if (typeof payload.conversation_id === 'string' && payload.conversation_id) this.conversationId = payload.conversation_id;
    const messageId = typeof payload.message_id === 'string' ? payload.message_id : undefined;
    if (messageId) this.providerIds.messageId = messageId;
    else if (payload.event === 'message' && typeof payload.id === 'string') this.providerIds.messageId = payload.id;
  }

  private runIds(): { taskId?: string; workflowRunId?: string } {
    const ids: { taskId?: string; workflowRunId?: string } = {};
    if (this.providerIds.taskId) ids.taskId = this.providerIds.taskId;
    if (this.providerIds.workflowRunId) ids.workflowRunId = this.providerIds.workflowRunId;
    return ids;
  }
}
