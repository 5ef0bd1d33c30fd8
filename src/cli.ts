#!/usr/bin/env node
import { runCli } from './cli/program.js';

const outcome = await runCli(process.argv.slice(2), {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  env: process.env,
});
process.exitCode = outcome.exitCode;
// A one-shot command is done (or a server failed to start): do not wait for a stray timer or socket, but give the
// output a moment to drain first.
if (!outcome.serving || outcome.exitCode !== 0) setTimeout(() => process.exit(outcome.exitCode), 500).unref();
