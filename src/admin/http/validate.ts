import type { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors.js';

/** The zod issues of one input as field issues. Messages are zod's and the schemas': they never echo a value. */
export function fieldIssues(where: FieldIssue['in'], error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldIssue[] {
  return error.issues.map((issue) => ({
    in: where,
    path: [...prefix, ...issue.path].map(String).join('.'),
    code: issue.code,
    message: issue.message,
  }));
}

/** Parses one input (body, query or params) with its schema; 422 naming every wrong field otherwise. */
export function validate<S extends z.ZodType>(where: FieldIssue['in'], schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(fieldIssues(where, result.error));
  return result.data;
}
