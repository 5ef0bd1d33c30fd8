import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { validateJsonTemplate } from '../template.js';
import type { WorkflowConfig } from '../types.js';

export interface HttpBackendSettings {
  /** JSON body whose string leaves are templates; absent: the normalized request is posted. */
  bodyTemplate?: unknown;
  /** Header that carries the binding's secret (its `apiKey`), e.g. `X-Switchboard-Secret`. Absent: none sent. */
  secretHeader?: string;
}

/** The keys this backend adds to a binding's settings (the whole is checked by `workflowSettingsSchema`). */
export const httpBackendSettingsShape = {
  bodyTemplate: z.unknown().optional(),
  secretHeader: z
    .string()
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a valid HTTP header name')
    .optional(),
};

const schema = z.object(httpBackendSettingsShape);

/** The generic HTTP backend's own settings; a bad value is a ConfigError naming it. */
export function httpBackendSettings(config: Pick<WorkflowConfig, 'settings'>): HttpBackendSettings {
  const parsed = schema.safeParse(config.settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`http backend setting "${issue?.path.join('.') ?? '?'}" is invalid: ${issue?.message ?? 'bad value'}`, {
      code: 'workflow_settings_invalid',
    });
  }
  const out: HttpBackendSettings = {};
  if (parsed.data.bodyTemplate !== undefined) {
    const problems = validateJsonTemplate(parsed.data.bodyTemplate);
    if (problems.length > 0) throw new ConfigError(`bodyTemplate is invalid: ${problems.join('; ')}`, { code: 'template_invalid' });
    out.bodyTemplate = parsed.data.bodyTemplate;
  }
  if (parsed.data.secretHeader) out.secretHeader = parsed.data.secretHeader;
  return out;
}
