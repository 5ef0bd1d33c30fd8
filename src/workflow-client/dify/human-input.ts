import { isRecord } from '../http-body.js';
import type { HumanInputForm, HumanInputPause } from '../types.js';

const HUMAN_INPUT_REASON = 'human_input_required';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A form of Dify's `human_input_required.data` or of a `human_input_required` pause reason. */
export function humanInputForm(data: Record<string, unknown>): HumanInputForm {
  const form: HumanInputForm = { data };
  const formId = text(data.form_id);
  if (formId) form.formId = formId;
  if (typeof data.form_token === 'string' || data.form_token === null) form.formToken = data.form_token;
  const nodeId = text(data.node_id);
  if (nodeId) form.nodeId = nodeId;
  const nodeTitle = text(data.node_title);
  if (nodeTitle) form.nodeTitle = nodeTitle;
  if (typeof data.expiration_time === 'number') form.expirationTime = data.expiration_time;
  return form;
}

/** Pause reasons name their kind in `TYPE` (Dify's model) or `type` (its public serializer); both occur. */
function isHumanInputReason(reason: Record<string, unknown>): boolean {
  const kind = reason.TYPE ?? reason.type;
  return kind === HUMAN_INPUT_REASON || (kind === undefined && (reason.form_id !== undefined || reason.form_token !== undefined));
}

/**
 * Collects one pause: every `human_input_required` form, then the `workflow_paused` reasons (from a stream or a
 * blocking answer). A reason whose form was not announced by its own event becomes a form too; none is lost.
 */
export class PauseCollector {
  private readonly forms: HumanInputForm[] = [];
  private reasons: unknown[] = [];
  private pausedNodes?: string[];
  private paused = false;

  get hasPause(): boolean {
    return this.paused || this.forms.length > 0;
  }

  addForm(data: Record<string, unknown>): void {
    this.forms.push(humanInputForm(data));
  }

  /** `workflow_paused.data`, or the `data` of a paused blocking answer. */
  setPaused(data: Record<string, unknown>): void {
    this.paused = true;
    if (Array.isArray(data.reasons)) this.reasons = data.reasons;
    if (Array.isArray(data.paused_nodes)) this.pausedNodes = data.paused_nodes.filter((n): n is string => typeof n === 'string');
    for (const reason of this.reasons) {
      if (!isRecord(reason) || !isHumanInputReason(reason)) continue;
      const known = this.forms.some((f) => f.formId !== undefined && f.formId === reason.form_id);
      if (!known) this.forms.push(humanInputForm(reason));
    }
  }

  toPause(ids: { taskId?: string; workflowRunId?: string }): HumanInputPause {
    const first = this.forms[0];
    const pause: HumanInputPause = { ...ids, form: first?.data ?? { reasons: this.reasons }, forms: [...this.forms], reasons: this.reasons };
    if (first?.nodeId) pause.nodeId = first.nodeId;
    else if (this.pausedNodes?.[0]) pause.nodeId = this.pausedNodes[0];
    if (this.pausedNodes) pause.pausedNodes = this.pausedNodes;
    return pause;
  }
}
