import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareTestEnv, TEST_SECRET_KEY } from '../../support/runtime.js';
import { describeWithPostgres, TEST_PG_URL } from '../../support/services.js';
import { errorLines, runCli, STACK_FRAME, type CliRun } from './run-cli.js';

const temps: string[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) await new Promise((r) => server.close(r));
  for (const dir of temps) {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
  temps.push(dir);
  return dir;
}

async function listen(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return server;
}

function portOf(server: Server): number {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = portOf(server);
  await new Promise((r) => server.close(r));
  return port;
}

/** A user's mistake: exit code ≠ 0 and one line naming it, without a stack trace. */
function expectOneLineError(run: CliRun, pattern: RegExp): void {
  expect(run.timedOut, `still running; stderr: ${run.stderr}`).toBe(false);
  expect(run.code).not.toBe(0);
  expect(run.code).not.toBeNull();
  const lines = errorLines(run);
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(STACK_FRAME);
  expect(run.stdout).not.toMatch(STACK_FRAME);
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return results;
}

// Without SWITCHBOARD_DATA_DIR / DATABASE_URL: a command that opened the database would create ./data in its cwd.
const quietEnv = { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' };

describe('switchboard --help', () => {
  const helpCalls = [
    ['--help'],
    ['-h'],
    ['help'],
    ['start', '--help'],
    ['web', '--help'],
    ['worker', '--help'],
    ['migrate', '--help'],
    ['migrate', '-h'],
    ['config', '--help'],
    ['config', 'apply', '--help'],
    ['bots', '--help'],
    ['bots', 'list', '--help'],
    ['bots', 'show', '--help'],
    ['bots', 'check', '--help'],
    ['slack', '--help'],
    ['slack', 'manifest', '--help'],
    ['workflows', '--help'],
    ['workflows', 'check', '--help'],
    ['help', 'start'],
  ];

  it('prints help for every command and changes nothing: no data directory, no server, no migration', async () => {
    const runs = await inBatches(helpCalls, 2, async (args) => {
      const cwd = tempDir();
      const run = await runCli(args, { cwd, env: quietEnv, timeoutMs: 20_000 });
      return { args, cwd, run };
    });
    for (const { args, cwd, run } of runs) {
      const label = `switchboard ${args.join(' ')}`;
      expect(run.timedOut, `${label} kept running (a server?)`).toBe(false);
      expect(run.code, `${label}: ${run.stderr}`).toBe(0);
      expect(run.stdout, label).toMatch(/^Usage: switchboard/m);
      expect(run.stderr, label).toBe('');
      expect(readdirSync(cwd), `${label} wrote into its working directory`).toEqual([]);
    }
    // The help of a group lists its commands; a command's help says what it does.
    const byArgs = new Map(runs.map((r) => [r.args.join(' '), r.run.stdout]));
    expect(byArgs.get('--help')).toMatch(/bots/);
    expect(byArgs.get('bots --help')).toMatch(/show/);
    expect(byArgs.get('bots show --help')).toMatch(/EncodingAESKey/);
  }, 240_000);

  it('prints the version', async () => {
    const run = await runCli(['--version'], { cwd: tempDir() });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('switchboard on bad input', () => {
  it('an unknown option: one line naming it and where help is, nothing started', async () => {
    const cwd = tempDir();
    const run = await runCli(['start', '--bogus'], { cwd, env: quietEnv, timeoutMs: 20_000 });
    expectOneLineError(run, /unknown option '--bogus'.*switchboard start --help/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('an unknown command', async () => {
    const run = await runCli(['strat'], { cwd: tempDir(), env: quietEnv });
    expectOneLineError(run, /unknown command 'strat'.*start/);
  });

  it('a missing config file: one line naming the file, and no database created', async () => {
    const cwd = tempDir();
    const run = await runCli(['config', 'apply', '-f', 'nope.yaml'], { cwd, env: quietEnv });
    expectOneLineError(run, /nope\.yaml \(given with -f\) was not found/);
    expect(errorLines(run)[0]).toContain(join(cwd, 'nope.yaml'));
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a missing SWITCHBOARD_CONFIG file at start', async () => {
    const cwd = tempDir();
    const run = await runCli(['start'], { cwd, env: { ...quietEnv, SWITCHBOARD_CONFIG: 'missing.yaml' } });
    expectOneLineError(run, /missing\.yaml \(SWITCHBOARD_CONFIG\) was not found/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a port in use: one line naming the port and the fix', async () => {
    const busy = await listen();
    const port = portOf(busy);
    const data = tempDir();
    const run = await runCli(['start'], { env: { HOST: '127.0.0.1', PORT: String(port), SWITCHBOARD_DATA_DIR: data, LOG_LEVEL: 'silent' }, timeoutMs: 60_000 });
    expectOneLineError(run, new RegExp(`port ${port}.*already in use.*PORT`, 'i'));
  }, 90_000);

  it('a read-only data directory: one line naming the directory', async () => {
    const parent = tempDir();
    const data = join(parent, 'data');
    mkdirSync(data);
    chmodSync(data, 0o555);
    // root writes through file modes: run the CLI as an unprivileged user then.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chmodSync(parent, 0o755);
    const run = await runCli(['migrate'], {
      cwd: parent,
      env: { SWITCHBOARD_DATA_DIR: data, LOG_LEVEL: 'silent' },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      timeoutMs: 30_000,
    });
    expectOneLineError(run, new RegExp(`${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*not writable`));
    expect(readdirSync(data)).toEqual([]);
  });

  it('an unreachable database: one line naming the host (never the password)', async () => {
    const port = await closedPort();
    const env = {
      DATABASE_URL: `postgresql://switchboard:hunter2-secret@127.0.0.1:${port}/switchboard`,
      SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY,
      ...quietEnv,
      LOG_LEVEL: 'silent',
    };
    for (const args of [['migrate'], ['start'], ['bots', 'list']]) {
      const run = await runCli(args, { cwd: tempDir(), env, timeoutMs: 30_000 });
      expectOneLineError(run, new RegExp(`127\\.0\\.0\\.1:${port}.*DATABASE_URL`));
      expect(run.stderr + run.stdout).not.toContain('hunter2-secret');
      // The notice says which database the command uses.
      expect(run.stderr).toContain(`Database: PostgreSQL switchboard@127.0.0.1:${port}/switchboard`);
    }
  }, 120_000);

  it('--verbose adds the stack trace', async () => {
    const port = await closedPort();
    const run = await runCli(['migrate', '--verbose'], {
      cwd: tempDir(),
      env: { DATABASE_URL: `postgresql://sb@127.0.0.1:${port}/sb`, SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'silent' },
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(STACK_FRAME);
  });

  it('says which database a command uses', async () => {
    const cwd = tempDir();
    const run = await runCli(['migrate'], { cwd, env: { LOG_LEVEL: 'silent' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Database: SQLite ${join(cwd, 'data', 'switchboard.db')}`);
  });
});

describeWithPostgres('switchboard on PostgreSQL', () => {
  it('names host, database and schema (no password), migrates, and reads', async () => {
    const { env, cleanup } = await prepareTestEnv({ database: { pgUrl: TEST_PG_URL! } });
    try {
      const schema = new URL(env.DATABASE_URL!).searchParams.get('schema');
      const migrated = await runCli(['migrate'], { cwd: tempDir(), env });
      expect(migrated.code, migrated.stderr).toBe(0);
      expect(migrated.stdout).toMatch(/^applied: /);
      const { hostname, port, username, pathname } = new URL(TEST_PG_URL!);
      expect(migrated.stderr).toContain(`Database: PostgreSQL ${username ? `${username}@` : ''}${hostname}:${port || 5432}${pathname}, schema ${schema}`);
      const listed = await runCli(['bots', 'list'], { cwd: tempDir(), env });
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/^No bots yet/);
    } finally {
      await cleanup();
    }
  }, 60_000);
});
