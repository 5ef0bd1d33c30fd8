import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '../../observability/logger.js';

/**
 * Bolt, the WebClient and the Socket Mode client speak @slack/logger; this hands their lines to our pino logger
 * (which redacts secrets). Their debug lines quote whole event envelopes and API arguments — customers' messages —
 * so they are logged at trace, the only level where message bodies may appear.
 */
export function boltLogger(logger: Logger): SlackLogger {
  const fmt = (msg: unknown[]): string => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : safeJson(m))).join(' ');
  return {
    debug: (...msg) => logger.trace(fmt(msg)),
    info: (...msg) => logger.info(fmt(msg)),
    warn: (...msg) => logger.warn(fmt(msg)),
    error: (...msg) => logger.error(fmt(msg)),
    setLevel: () => undefined,
    getLevel: () => toSlackLevel(logger.level),
    setName: () => undefined,
  };
}

function toSlackLevel(level: string): LogLevel {
  switch (level) {
    case 'trace':
      return LogLevel.DEBUG;
    case 'debug':
    case 'info':
      return LogLevel.INFO;
    case 'warn':
      return LogLevel.WARN;
    default:
      return LogLevel.ERROR;
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
