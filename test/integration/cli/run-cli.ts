/**
 * Runs the `switchboard` CLI as a user would: a child process (`node --import tsx src/cli.ts …`) with its own working
 * directory and environment, never in the test's process. Only PATH, HOME and TMPDIR come from the parent, so a
 * developer's DATABASE_URL or PUBLIC_BASE_URL cannot leak into a test.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'src', 'cli.ts');
// Resolved here: a child started in a temp folder could not find the tsx package from its own working directory.
const tsx = import.meta.resolve('tsx');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the child was still running at the deadline and was killed. */
  timedOut: boolean;
}

export interface CliOptions {
  env?: Record<string, string>;
  /** @defaultValue the repository root */
  cwd?: string;
  /** @defaultValue 30000 */
  timeoutMs?: number;
  /** Run as this user (tests running as root use it to meet permission checks root would bypass). */
  uid?: number;
  gid?: number;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, opts.env);
  const child = spawn(process.execPath, ['--import', tsx, cli, ...args], {
    cwd: opts.cwd ?? root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid ?? opts.uid } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** The lines a user reads as the error: stderr without the "Database: …" notice. */
export function errorLines(run: CliRun): string[] {
  return run.stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('Database: '));
}

/** A stack frame line as V8 prints them. */
export const STACK_FRAME = /^\s+at .+/m;
