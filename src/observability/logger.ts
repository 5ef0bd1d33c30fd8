import { pino, type Logger } from 'pino';
import { maskUrlCredentials } from './redact-url.js';

export type { Logger };

/** Paths redacted in every log line: secrets never reach the logs, whatever object is logged. */
export const REDACT_PATHS = [
  'password',
  'passwordHash',
  'secret',
  'token',
  'apiKey',
  'accessToken',
  'access_token',
  'credentials',
  'signingSecret',
  'encodingAesKey',
  'appSecret',
  'corpSecret',
  'botToken',
  'appToken',
  'authorization',
  'cookie',
  '*.password',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.accessToken',
  '*.access_token',
  '*.credentials',
  '*.signingSecret',
  '*.encodingAesKey',
  '*.appSecret',
  '*.corpSecret',
  '*.botToken',
  '*.appToken',
  '*.authorization',
  '*.Authorization',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'config.headers.Authorization',
];

export function createLogger(opts: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      name: opts.name ?? 'switchboard',
      level: opts.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    opts.destination,
  );
}

/** pino's error serializer, with the credentials of any URL in the message or stack masked. */
function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? maskUrlCredentials(err) : err;
  const out = pino.stdSerializers.err(err);
  out.message = maskUrlCredentials(out.message);
  if (out.stack) out.stack = maskUrlCredentials(out.stack);
  return out;
}

/** A logger that discards everything (tests, benchmarks). */
export const silentLogger: Logger = pino({ level: 'silent' });
