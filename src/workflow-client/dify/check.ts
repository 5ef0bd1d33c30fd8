import type { CheckItem, CheckReport } from '../../core/check-report.js';
import { AppConfigurationError, AuthenticationError, EgressRefusedError, TimeoutError, UpstreamError, toWorkflowError } from '../errors.js';
import { isRecord } from '../http-body.js';
import { validateMapping } from '../template.js';
import type { WorkflowConfig } from '../types.js';
import { KIND_LABELS, MODE_LABELS, MODES_FOR_KIND, STREAMING_ONLY_MODES, kindForMode, withArticle, type DifyKind } from './app-mode.js';
import { parseParameters } from './parameters.js';

export const API_KEY_REJECTED =
  "The API key was rejected by Dify (401). Copy the app's API key again from Dify → API Access.";

interface CheckTransport {
  getJson(path: string): Promise<unknown>;
}

function unreachableSentence(baseUrl: string, err: unknown): string {
  const failure = toWorkflowError(err);
  if (failure instanceof EgressRefusedError) return `The egress policy refused the call to ${baseUrl}: ${failure.message}.`;
  if (failure instanceof TimeoutError) return `Dify at ${baseUrl} did not answer in time (${failure.message}). Check the base URL and that Dify is running.`;
  if (failure instanceof AppConfigurationError && failure.remoteStatus === 404) {
    return `Dify answered 404 at ${baseUrl}: the base URL is probably wrong (it usually ends in /v1, e.g. https://api.dify.ai/v1).`;
  }
  if (failure instanceof UpstreamError && failure.remoteStatus === undefined) {
    return `Could not reach Dify at ${baseUrl} (${failure.message}). Check the base URL and the network between Switchboard and Dify.`;
  }
  return `Dify answered with an error at ${baseUrl}: ${failure.message}.`;
}

/**
 * The connection test of a Dify binding: key valid (`/v1/info`), app mode matches the binding kind, required
 * inputs of `/v1/parameters` all mapped. Each item is one precise sentence saying what to fix.
 */
export async function checkDifyConnection(config: WorkflowConfig & { kind: DifyKind }, transport: CheckTransport): Promise<CheckReport> {
  const items: CheckItem[] = [];
  const kindLabel = KIND_LABELS[config.kind];

  let info: Record<string, unknown>;
  try {
    const body = await transport.getJson('/info');
    info = isRecord(body) ? body : {};
  } catch (err) {
    const failure = toWorkflowError(err);
    items.push({
      name: 'api_key',
      ok: false,
      detail: failure instanceof AuthenticationError ? API_KEY_REJECTED : unreachableSentence(config.baseUrl, err),
    });
    return { ok: false, items };
  }
  const appName = typeof info.name === 'string' && info.name ? `“${info.name}”` : 'the app';
  items.push({ name: 'api_key', ok: true, detail: `Dify accepted the API key for ${appName}.` });

  const mode = typeof info.mode === 'string' ? info.mode : undefined;
  if (!mode) {
    items.push({ name: 'app_mode', ok: true, detail: 'This Dify version does not report the app type; it could not be compared with the binding.' });
  } else if ((MODES_FOR_KIND[config.kind] as readonly string[]).includes(mode)) {
    const label = MODE_LABELS[mode] ?? mode;
    const streamNote = STREAMING_ONLY_MODES.includes(mode) && config.responseMode === 'blocking' ? ` ${label.charAt(0).toUpperCase()}${label.slice(1)} apps only stream, so Switchboard will stream its answers.` : '';
    items.push({ name: 'app_mode', ok: true, detail: `The key belongs to ${withArticle(label)} app, which matches the binding (${kindLabel}).${streamNote}` });
  } else {
    const suggested = kindForMode(mode);
    const fix = suggested ? ` Change the binding to ${KIND_LABELS[suggested]}, or use the key of ${withArticle(kindLabel)} app.` : '';
    items.push({ name: 'app_mode', ok: false, detail: `This key belongs to ${withArticle(MODE_LABELS[mode] ?? mode)} app, but the binding says ${kindLabel}.${fix}` });
  }

  const mappingProblems = validateMapping(config.inputMapping);
  if (mappingProblems.length > 0) {
    items.push({ name: 'input_mapping', ok: false, detail: `The input mapping has errors: ${mappingProblems.join('; ')}.` });
  }

  try {
    const parameters = parseParameters(await transport.getJson('/parameters'));
    const mapped = new Set(Object.keys(config.inputMapping));
    if (config.kind !== 'dify_chat') mapped.add('query'); // filled with the message text when not mapped
    const missing = parameters.inputs.filter((i) => i.required && i.default === undefined && !mapped.has(i.variable));
    const undeclared = [...Object.keys(config.inputMapping)].filter((name) => !parameters.inputs.some((i) => i.variable === name));
    if (missing.length > 0) {
      const names = missing.map((i) => (i.label && i.label !== i.variable ? `“${i.variable}” (${i.label})` : `“${i.variable}”`));
      items.push({
        name: 'inputs',
        ok: false,
        detail: `The app requires ${missing.length === 1 ? 'the input' : 'the inputs'} ${names.join(', ')}, but the binding does not map ${missing.length === 1 ? 'it' : 'them'}. Add ${missing.length === 1 ? 'it' : 'them'} to the input mapping, e.g. ${missing[0]?.variable}: {{message.text}}.`,
      });
    } else {
      const note = undeclared.length > 0 ? ` The mapping also sets ${undeclared.map((n) => `“${n}”`).join(', ')}, which the app does not declare; Dify ignores ${undeclared.length === 1 ? 'it' : 'them'}.` : '';
      const count = parameters.inputs.filter((i) => i.required).length;
      items.push({ name: 'inputs', ok: true, detail: `${count === 0 ? 'The app has no required inputs.' : `All ${count} required input${count === 1 ? ' is' : 's are'} mapped.`}${note}` });
    }
  } catch (err) {
    items.push({ name: 'inputs', ok: false, detail: `Could not read the app's input form from /v1/parameters: ${toWorkflowError(err).message}.` });
  }

  return { ok: items.every((i) => i.ok), items };
}
