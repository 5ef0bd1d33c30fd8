/**
 * `switchboard user create` as a user runs it: the real CLI in a child process, the password piped with
 * --password-stdin, against a fresh SQLite database; the user it creates can sign in over HTTP.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { buildRuntime, startWeb } from '../../../src/main.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { prepareTestEnv } from '../../support/runtime.js';
import { ApiClient } from './support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

function cli(args: string[], env: Record<string, string>, stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('switchboard user create', () => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ env, cleanup } = await prepareTestEnv({ database: 'sqlite' }));
  });
  afterAll(async () => cleanup?.());

  it('creates an instance administrator from a piped password, who can then sign in; refuses a second one with that address', async () => {
    const created = await cli(['user', 'create', '--admin', '--email', 'Root@Example.com', '--password-stdin'], env, 'a long enough passphrase\n');
    // Only the line naming the database the command used.
    expect(created.stderr.trim().split('\n').filter((l) => !l.startsWith('Database: '))).toEqual([]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('created user root@example.com (instance administrator)');
    expect(created.stdout + created.stderr).not.toContain('passphrase');

    const again = await cli(['user', 'create', '--email', 'root@example.com', '--password-stdin'], env, 'another long passphrase');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists');

    const short = await cli(['user', 'create', '--email', 'x@example.com', '--password-stdin'], env, 'short');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('password');
    expect(short.stderr).not.toMatch(/\bat .+:\d+:\d+/);

    // The same database, served: no setup token once a user exists, and the user signs in.
    const warnings: string[] = [];
    const logger = silentLogger.child({});
    logger.warn = ((_obj: unknown, msg?: string) => void warnings.push(String(msg))) as typeof logger.warn;
    const runtime = await buildRuntime(loadConfig(env), { logger });
    const web = await startWeb(runtime, { port: 0, host: '127.0.0.1' });
    try {
      expect(warnings.some((w) => w.includes('setup token'))).toBe(false);
      const me = await new ApiClient(web.url).login('root@example.com', 'a long enough passphrase');
      expect(me.json.user).toMatchObject({ email: 'root@example.com', isInstanceAdmin: true });
      const row = await runtime.repos.users.getByEmail('root@example.com');
      expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    } finally {
      await web.close();
      await runtime.close();
    }
  });

  it('without --password-stdin and without a terminal, says how to pass the password', async () => {
    const res = await cli(['user', 'create', '--email', 'y@example.com'], env, '');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('--password-stdin');
  });
});
