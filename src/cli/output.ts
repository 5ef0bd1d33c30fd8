import type { CheckReport } from '../adapters/types.js';

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function formatTable(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** `label  value` lines, the values aligned. */
export function formatPairs(pairs: [string, string][], indent: string): string[] {
  const width = Math.max(0, ...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`);
}

/** One line per check item (✓/✗, name, the sentence), then a summary. */
export function formatCheckReport(report: CheckReport): string[] {
  const lines = report.items.map((item) => `${item.ok ? '✓' : '✗'} ${item.name}: ${item.detail}`);
  const failed = report.items.filter((item) => !item.ok).length;
  lines.push(failed === 0 ? `All ${report.items.length} checks passed.` : `${failed} of ${report.items.length} checks failed.`);
  return lines;
}

/** Said wherever a URL cannot be shown in full. */
export const PUBLIC_BASE_URL_HINT =
  'PUBLIC_BASE_URL is not set, so only the path is known: set it to the address platforms reach this server at (e.g. https://switchboard.example.com).';

/** A URL as it may be printed: a password in it (http://user:pass@host) is hidden. */
export function printableUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
