import { Document } from 'yaml';
import type { BotRuntime } from '../core/bot.js';
import type { WorkflowConfig } from '../core/workflow.js';
import { isSecretField } from './declarative-parse.js';

/** A tenant's stored rows, as far as the declarative file describes them (secret values come in, never go out). */
export interface ExportInput {
  tenant: { slug: string; name: string };
  workflows: readonly Omit<WorkflowConfig, 'tenantId' | 'apiKey'>[];
  bots: readonly (Omit<BotRuntime, 'tenantId' | 'approvalPolicy'> & {
    approvalPolicy: string;
    /** Only the values of fields `visibleCredentials` names are written; every other field becomes a reference. */
    credentials: Record<string, string>;
    settings: Record<string, unknown>;
    /** The credential fields the platform adapter shows in clear. */
    visibleCredentials: ReadonlySet<string>;
  })[];
}

export interface ExportResult {
  /** The YAML `switchboard config apply` reads. */
  text: string;
  /** The environment variables the file's secret references name, in the order they appear. */
  env: string[];
}

/**
 * Renders one tenant as a declarative config file: keys in the schema's order, workflows and bots sorted by name,
 * maps sorted by key (so the text does not depend on how a database stores JSON), bot ids kept. Secret fields are
 * written as `${ENV}` references whose names derive from tenant slug, object name and field; the leading comment lists
 * them. Pure: the same rows give the same bytes.
 */
export function exportDeclarativeConfig(input: ExportInput): ExportResult {
  const env: string[] = [];
  const reference = (objectName: string, field: string): string => {
    // Two secrets whose names snake-case alike (workflow `chat` apiKey, bot `chat` credential apiKey) get a suffix.
    const base = envName(input.tenant.slug, objectName, field);
    let name = base;
    for (let n = 2; env.includes(name); n++) name = `${base}_${n}`;
    env.push(name);
    return `\${${name}}`;
  };
  const workflowNames = new Map(input.workflows.map((w) => [w.id, w.name]));
  const workflows = [...input.workflows].sort(byName).map((wf) => ({
    name: wf.name,
    kind: wf.kind,
    baseUrl: wf.baseUrl,
    apiKey: reference(wf.name, 'apiKey'),
    inputs: sortedDeep(wf.inputMapping),
    ...(wf.outputSelector !== null ? { output: wf.outputSelector } : {}),
    responseMode: wf.responseMode,
    timeoutMs: wf.timeoutMs,
    settings: sortedDeep(wf.settings),
  }));
  const bots = [...input.bots].sort(byName).map((bot) => {
    const workflow = bot.workflowId === null ? undefined : workflowNames.get(bot.workflowId);
    const credentials: Record<string, string> = {};
    for (const field of Object.keys(bot.credentials).sort()) {
      const secret = !bot.visibleCredentials.has(field) || isSecretField(['credentials', field]);
      credentials[field] = secret ? reference(bot.name, field) : (bot.credentials[field] as string);
    }
    return {
      name: bot.name,
      id: bot.id,
      platform: bot.platform,
      mode: bot.mode,
      ...(workflow !== undefined ? { workflow } : {}),
      enabled: bot.enabled,
      approval: bot.approvalPolicy,
      credentials,
      settings: sortedDeep(bot.settings),
    };
  });
  const doc = new Document({ version: 1, tenants: [{ slug: input.tenant.slug, name: input.tenant.name, workflows, bots }] });
  const header = [
    ` Switchboard config of tenant ${input.tenant.slug}: apply with \`switchboard config apply -f <file>\`.`,
    ' Secrets are not in this file; set these environment variables before applying it elsewhere:',
    ...(env.length > 0 ? env.map((name) => `   ${name}`) : ['   (none)']),
  ];
  doc.commentBefore = header.join('\n');
  return { text: doc.toString({ lineWidth: 0 }), env };
}

/** `acme`, `slack-helpdesk`, `botToken` → `ACME_SLACK_HELPDESK_BOT_TOKEN`. */
export function envName(slug: string, objectName: string, field: string): string {
  const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
  const name = [slug, objectName, field].map(snake).join('_');
  // A slug may start with a digit; an environment variable may not.
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function sortedDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortedDeep) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortedDeep((value as Record<string, unknown>)[key]);
    return out as T;
  }
  return value;
}
