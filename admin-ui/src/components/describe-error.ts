import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { ApiError, type FieldProblem } from '../api/errors';
import enUS from '../i18n/locales/en-US.json';

/** The API's error codes that have a text of ours (every language has the same keys: test/unit/console-i18n.test.ts). */
type KnownCode = Exclude<keyof (typeof enUS)['errors'], 'title' | 'unknown' | 'network'>;

function isKnownCode(code: string): code is KnownCode {
  return Object.hasOwn(enUS.errors, code) && code !== 'title' && code !== 'unknown' && code !== 'network';
}

/** An error of the API in words of the console's language; codes without a text of ours show the server's message. */
export function describeError(t: TFunction, err: unknown): string {
  if (!(err instanceof ApiError)) return t('errors.unknown', { status: '—', message: err instanceof Error ? err.message : String(err) });
  if (err.code === 'network') return t('errors.network');
  if (isKnownCode(err.code)) return t(`errors.${err.code}`, { seconds: err.retryAfterSec ?? 60 });
  return t('errors.unknown', { status: err.status, message: err.message });
}

/** zod issue codes with a text of ours; other problems show the server's message. */
function fieldMessage(t: TFunction, problem: FieldProblem): string {
  if (problem.code === 'invalid_format' && /mail/i.test(problem.path)) return t('validation.email');
  return problem.message;
}

/**
 * Shows each field problem of a 422 next to its field. Returns true when every problem found a field of the form
 * (then the form needs no alert of its own).
 */
export function showFieldErrors(t: TFunction, form: FormInstance, err: unknown): boolean {
  if (!(err instanceof ApiError) || err.fields.length === 0) return false;
  const known = new Set(Object.keys(form.getFieldsValue(true) as Record<string, unknown>));
  const bodyFields = err.fields.filter((f) => f.in === 'body' && known.has(f.path.split('.')[0] ?? ''));
  form.setFields(bodyFields.map((f) => ({ name: f.path.split('.'), errors: [fieldMessage(t, f)] })));
  return bodyFields.length === err.fields.length;
}
