import { AppError, type RetryHint } from '../errors.js';

/** Which rule refused an outbound call. */
export type EgressRule = 'scheme' | 'credentials' | 'metadata' | 'reserved' | 'private' | 'redirect';

const RULE_TEXT: Record<EgressRule, string> = {
  scheme: 'only http and https URLs may be called',
  credentials: 'URLs carrying a user name or password are refused; put credentials in the secret fields',
  metadata: 'link-local and cloud metadata addresses are always refused',
  reserved: 'reserved, multicast and unspecified addresses are always refused',
  private: 'loopback and private addresses are refused (EGRESS_PRIVATE=deny); add the host to EGRESS_ALLOWLIST to allow it',
  redirect: 'redirects are followed only within the same origin',
};

/**
 * An outbound call the egress policy refused. Retrying cannot help (the configuration must change), so it is not
 * retryable. The message names the host and the rule, never the path or query of the URL.
 */
export class EgressDeniedError extends AppError implements RetryHint {
  readonly retryable = false;
  readonly rule: EgressRule;
  readonly host: string;

  constructor(host: string, rule: EgressRule, detail?: string) {
    super('egress_denied', `Outbound call to ${host || '(no host)'} refused: ${RULE_TEXT[rule]}${detail ? ` (${detail})` : ''}`, {
      status: 400,
      expose: true,
    });
    this.rule = rule;
    this.host = host;
  }
}

/** The EgressDeniedError in `err` or its causes (HTTP clients wrap the socket's error). */
export function egressDenialIn(err: unknown): EgressDeniedError | undefined {
  for (let current: unknown = err, depth = 0; current && depth < 5; depth++) {
    if (current instanceof EgressDeniedError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
