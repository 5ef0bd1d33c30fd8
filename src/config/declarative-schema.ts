import { z } from 'zod';
import { strictObject } from '../core/strict-object.js';
import { workflowSettingsSchema } from '../workflow-client/settings.js';
import type { ConfigSource } from './config-source.js';

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and -, 2 to 63 characters');
/** Names of tenants (slugs), workflows and bots: the admin API accepts the same. */
export const resourceNameSchema = name;

// Every object is strict: an unknown key is an error naming the closest valid one. Bot credentials and settings are
// checked by the bot's platform adapter when the config is applied.
export const workflowDeclSchema = strictObject({
  name,
  kind: z.enum(['dify_chat', 'dify_workflow', 'dify_completion', 'http']),
  baseUrl: z.url({ protocol: /^https?$/ }),
  apiKey: z.string().min(1),
  inputs: z.record(z.string(), z.string()).default({}),
  output: z.string().min(1).optional(),
  responseMode: z.enum(['streaming', 'blocking']).default('streaming'),
  timeoutMs: z.number().int().min(1000).max(900_000).default(120_000),
  settings: z.record(z.string(), z.unknown()).default({}),
}).superRefine((workflow, ctx) => {
  const checked = workflowSettingsSchema(workflow.kind).safeParse(workflow.settings);
  for (const issue of checked.error?.issues ?? []) ctx.addIssue({ ...issue, path: ['settings', ...issue.path] });
});

export const botDeclSchema = strictObject({
  /** Optional fixed id, so the callback URL (/hooks/<platform>/<id>) is known before applying. */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, 'letters, digits, _ and -, 3 to 64 characters').optional(),
  name,
  platform: z.enum(['wecom', 'dingtalk', 'slack']),
  mode: z.string().min(1),
  workflow: name.optional(),
  enabled: z.boolean().default(true),
  approval: z.enum(['none', 'always']).default('none'),
  credentials: z.record(z.string(), z.string()),
  settings: z.record(z.string(), z.unknown()).default({}),
});

export const tenantDeclSchema = strictObject({
  slug: name,
  name: z.string().min(1).max(200),
  workflows: z.array(workflowDeclSchema).default([]),
  bots: z.array(botDeclSchema).default([]),
});

export const declarativeSchema = strictObject({
  version: z.literal(1),
  tenants: z.array(tenantDeclSchema).default([]),
});

/** A parsed config; `source` locates its values in the file for messages raised after parsing. */
export type DeclarativeConfig = z.infer<typeof declarativeSchema> & { source?: ConfigSource };
export type TenantDecl = z.infer<typeof tenantDeclSchema>;
export type WorkflowDecl = z.infer<typeof workflowDeclSchema>;
export type BotDecl = z.infer<typeof botDeclSchema>;
