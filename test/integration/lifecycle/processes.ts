/**
 * Switchboard as a real child process, run the way an operator runs it: the CLI's `start` (from the sources through
 * tsx, or the built `dist/` through `npm start`), configured by the environment. Helpers read its JSON log lines,
 * wait for it to listen and to exit, and make sure no test leaves one behind.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
const cliSource = join(repoRoot, 'src', 'cli.ts');

export interface Child {
  process: ChildProcess;
  /** Everything written so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];

function track(child: ChildProcess): Child {
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    process: child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
  };
}

/** `switchboard <args>` from the sources. `node --import tsx` keeps the CLI in this child (the tsx CLI would add a grandchild). */
export function spawnCli(args: string[], env: Record<string, string>): Child {
  return track(spawn(process.execPath, ['--import', 'tsx', cliSource, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Any command in the repository root, in its own process group (so the test can find what it leaves behind). */
export function spawnInGroup(command: string, args: string[], env: Record<string, string>, opts: SpawnOptions = {}): Child {
  return track(spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts }));
}

/** Kills every child a test started and every process left in their groups. */
export function killAll(): void {
  for (const child of started.splice(0)) {
    if (child.pid === undefined) continue;
    for (const target of [-child.pid, child.pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone already, or not a group leader
      }
    }
  }
}

/** True while any process of the group led by `pid` is alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The URL from the "web listening" log line (LOG_LEVEL must be info or finer). */
export async function listeningUrl(child: Child, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of child.stdout.split('\n')) {
      if (!line.includes('"web listening"')) continue;
      const { url } = JSON.parse(line) as { url: string };
      return url;
    }
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`switchboard exited (${child.process.exitCode ?? child.process.signalCode}) before listening; stderr: ${child.stderr.slice(-2000)}`);
    }
    if (Date.now() > deadline) throw new Error(`switchboard not listening after ${timeoutMs} ms; stdout: ${child.stdout.slice(-2000)} stderr: ${child.stderr.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The exit, or a rejection naming what the process printed when it has not exited after `ms`. */
export async function exitWithin(child: Child, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms; stdout: ${child.stdout.slice(-3000)} stderr: ${child.stderr.slice(-2000)}`)), ms);
  });
  try {
    const exit = await Promise.race([child.exited, timeout]);
    return { ...exit, afterMs: Date.now() - t0 };
  } finally {
    clearTimeout(timer);
  }
}

/** Log lines (JSON) whose `msg` is `msg`. */
export function logLines(child: Child, msg: string): Record<string, unknown>[] {
  return child.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === msg);
}
