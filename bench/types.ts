/** One benchmark's result: rows of measurements and ratios against a baseline measured in the same run. */
export interface BenchRow {
  label: string;
  /** e.g. requests/s (median of rounds) or µs per op. */
  value: number;
  unit: string;
  /** value relative to the baseline row of the same report (baseline = 1). */
  ratio?: number;
  /** Extra figures: min/max, p99 ms, ... */
  extra?: Record<string, number | string>;
}

export interface BenchReport {
  name: string;
  rows: BenchRow[];
  /** What the issue asks, and whether this run met it. */
  targets: { description: string; met: boolean }[];
  /** Derived figures worth reading next to the targets, without a pass/fail of their own. */
  notes?: string[];
}

export type Bench = () => Promise<BenchReport>;
