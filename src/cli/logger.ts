import { pino } from 'pino';
import type { Config } from '../config/load.js';
import { createLogger, type Logger } from '../observability/logger.js';

/**
 * The log of a one-shot command: stderr, so stdout stays the command's answer (a manifest can be piped); errors
 * only unless --verbose; LOG_LEVEL=silent silences it.
 */
export function commandLogger(config: Config, verbose: boolean): Logger {
  const level = config.logLevel === 'silent' ? 'silent' : verbose ? 'debug' : 'error';
  return createLogger({ level, destination: pino.destination({ fd: 2, sync: true }) });
}
