import { preconditionFailed } from './errors.js';

/**
 * ETags of admin resources are their `updatedAt` in milliseconds. Every update writes a strictly later
 * `updatedAt` (see `nextUpdatedAt`) in a compare-and-set on the value the caller read, so two writers that read
 * the same version cannot both succeed.
 */
export function etagOf(updatedAt: Date): string {
  return `"${updatedAt.getTime().toString(36)}"`;
}

/** What `If-Match` asks for: nothing (no header), any version (`*`) or the versions it names. */
export type IfMatch = { kind: 'none' } | { kind: 'any' } | { kind: 'versions'; updatedAt: Date[] };

export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined || header.trim() === '') return { kind: 'none' };
  if (header.trim() === '*') return { kind: 'any' };
  const updatedAt: Date[] = [];
  for (const part of header.split(',')) {
    // Weak validators never match a strong comparison (RFC 9110 §13.1.1): they are simply not ours.
    const match = /^\s*"([0-9a-z]{1,12})"\s*$/.exec(part);
    if (match?.[1]) updatedAt.push(new Date(parseInt(match[1], 36)));
  }
  // A header that names only versions we never made matches nothing.
  if (updatedAt.length === 0) throw preconditionFailed();
  return { kind: 'versions', updatedAt };
}

/**
 * The version an update must find in the row: the one named by If-Match when the caller sent one, otherwise the
 * one just read (so the read-modify-write of the handler itself cannot lose a concurrent update).
 */
export function expectedVersion(ifMatch: IfMatch, current: Date): Date {
  if (ifMatch.kind !== 'versions') return current;
  const match = ifMatch.updatedAt.find((d) => d.getTime() === current.getTime());
  if (!match) throw preconditionFailed();
  return match;
}

/** A new `updatedAt` strictly after the previous one, even within one millisecond. */
export function nextUpdatedAt(previous: Date, now: Date = new Date()): Date {
  return new Date(Math.max(now.getTime(), previous.getTime() + 1));
}
