import type { AdapterRegistry } from '../../adapters/registry.js';
import type { BotSettings } from '../../adapters/types.js';
import { maskSecret } from '../../store/repositories/mask.js';
import { ValidationError, type FieldIssue } from '../http/errors.js';
import { fieldIssues } from '../http/validate.js';

/**
 * Checks a bot's platform, mode, credentials and settings with the platform adapter's own schemas (422 naming each
 * wrong field, never its value) and returns them parsed (defaults filled in).
 */
export function validateBotConfig(
  adapters: AdapterRegistry,
  input: { platform: string; mode: string; credentials: Record<string, string>; settings: Record<string, unknown> },
): { credentials: Record<string, string>; settings: BotSettings } {
  const adapter = adapters.get(input.platform);
  if (!adapter) throw new ValidationError([{ in: 'body', path: 'platform', code: 'unavailable', message: `platform ${input.platform} is not available in this build` }]);
  if (!adapter.modes.includes(input.mode)) {
    throw new ValidationError([{ in: 'body', path: 'mode', code: 'invalid_value', message: `${input.platform} supports ${adapter.modes.join(', ')}` }]);
  }
  const credentials = adapter.credentialsSchema(input.mode).safeParse(input.credentials);
  const settings = adapter.settingsSchema(input.mode).safeParse(input.settings);
  const issues: FieldIssue[] = [];
  if (!credentials.success) issues.push(...fieldIssues('body', credentials.error, ['credentials']));
  if (!settings.success) issues.push(...fieldIssues('body', settings.error, ['settings']));
  if (!credentials.success || !settings.success) throw new ValidationError(issues);
  return { credentials: credentials.data, settings: settings.data };
}

/**
 * Applies a credentials update (JSON merge patch) to the stored values: a field sent as null is removed, a field sent
 * back exactly as the API showed it masked keeps its stored value, any other value replaces it, fields not sent stay.
 */
export function mergeCredentials(stored: Record<string, string>, patch: Record<string, string | null>): Record<string, string> {
  const merged = { ...stored };
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete merged[field];
    else if (!(field in stored && value === maskSecret(stored[field] as string))) merged[field] = value;
  }
  return merged;
}

/** Credentials as the API shows them: the fields in `visible` in clear, every other one masked. */
export function maskCredentials(credentials: Record<string, string>, visible: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(credentials).map(([field, value]) => [field, visible.has(field) ? value : maskSecret(value)]));
}
