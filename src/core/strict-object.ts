import { closestMatch } from 'leven';
import { z } from 'zod';

/**
 * A zod object that refuses the keys it does not declare. Every object a user writes (the declarative YAML, bot
 * credentials and settings, workflow settings) is built with it, so a typo is an error that names the key and the
 * closest declared one — `unknown key "replyformat" (did you mean "replyFormat"?)` — instead of a setting silently
 * dropped.
 */
export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.strictObject(shape, { error: unknownKeysMessage });
}

function unknownKeysMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  // The issue's own schema, so objects made by .extend() suggest from their full shape.
  const known = issue.inst instanceof z.ZodObject ? Object.keys(issue.inst.shape) : [];
  return issue.keys.map((key) => unknownKeyMessage(key, known)).join('; ');
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  const suggestion = closestName(key, known);
  if (suggestion) return `unknown key "${key}" (did you mean "${suggestion}"?)`;
  return known.length > 0 ? `unknown key "${key}" (expected one of: ${known.join(', ')})` : `unknown key "${key}"`;
}

/**
 * The declared name closest to a mistyped one, ignoring case; none when every name is too far to be a typo
 * (more than a third of the word's letters, at least 2, would have to change).
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = candidates.map((c) => c.toLowerCase());
  const match = closestMatch(name.toLowerCase(), lower, { maxDistance: Math.max(2, Math.floor(name.length / 3)) });
  return match === undefined ? undefined : candidates[lower.indexOf(match)];
}
