import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Config } from '../../config/load.js';
import { AppError } from '../../errors.js';
import { createLogger } from '../../observability/logger.js';
import { createDatabase } from '../../store/client.js';
import { migrate } from '../../store/migrate.js';
import { UserRepository } from '../../store/repositories/index.js';
import { createUser } from './create-user.js';

const USER_USAGE = 'usage: switchboard user create --email <address> [--name <name>] [--admin] [--password-stdin]';

export interface CommandIo {
  stdin: NodeJS.ReadStream | NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Reads the password piped in (`--password-stdin`): everything up to the end, less one trailing newline. */
async function readPasswordFromStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
function promptHidden(io: CommandIo, question: string): Promise<string> {
  io.stderr.write(question);
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: io.stdin as NodeJS.ReadableStream, output: muted, terminal: true });
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      io.stderr.write('\n');
      resolve(answer);
    });
  });
}

async function readPassword(io: CommandIo, fromStdin: boolean): Promise<string> {
  if (fromStdin) return readPasswordFromStdin(io.stdin);
  if (!(io.stdin as NodeJS.ReadStream).isTTY) throw new AppError('usage', `no terminal to ask for the password: pipe it with --password-stdin\n${USER_USAGE}`, { status: 400 });
  const first = await promptHidden(io, 'Password: ');
  const second = await promptHidden(io, 'Repeat password: ');
  if (first !== second) throw new AppError('usage', 'the passwords differ', { status: 400 });
  return first;
}

export interface CreateUserCommand {
  email: string;
  name?: string;
  admin: boolean;
  passwordStdin: boolean;
}

/** `switchboard user create`: a user who can sign in at once; `admin` makes an instance administrator. */
export async function runUserCreate(command: CreateUserCommand, config: Config, io: CommandIo = process): Promise<void> {
  const password = await readPassword(io, command.passwordStdin);
  const database = await createDatabase(config.database.url);
  try {
    await migrate(database, { logger: createLogger({ level: config.logLevel }) });
    const user = await createUser(new UserRepository(database.db), { email: command.email, name: command.name, password, isInstanceAdmin: command.admin });
    io.stdout.write(`created user ${user.email}${user.isSuperAdmin ? ' (instance administrator)' : ''}\n`);
  } finally {
    await database.close();
  }
}
