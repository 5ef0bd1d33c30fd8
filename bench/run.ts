/**
 * `npm run bench [name...]`: runs the benchmarks in bench/*.bench.ts (or the named ones) one after another and
 * prints each as a table of ratios against its baseline measured in the same run.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Bench, BenchReport } from './types.js';

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(basename(f, '.bench.ts')))
  .sort();

function print(report: BenchReport) {
  console.log(`\n## ${report.name}`);
  const rows = report.rows.map((r) => ({
    label: r.label,
    value: `${r.value} ${r.unit}`,
    ratio: r.ratio === undefined ? '' : r.ratio.toFixed(3),
    ...Object.fromEntries(Object.entries(r.extra ?? {}).map(([k, v]) => [k, String(v)])),
  }));
  console.table(rows);
  for (const t of report.targets) console.log(`${t.met ? 'MET    ' : 'NOT MET'}  ${t.description}`);
  for (const note of report.notes ?? []) console.log(`NOTE     ${note}`);
}

let failed = false;
for (const file of files) {
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default: Bench };
  try {
    print(await mod.default());
  } catch (err) {
    failed = true;
    console.error(`\n## ${file} failed:`, err);
  }
}
if (files.length === 0) console.log('no benchmarks matched');
process.exit(failed ? 1 : 0);
