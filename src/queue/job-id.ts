/**
 * BullMQ job ids derived from message ids. BullMQ rejects custom ids that look like integers ("123") or contain
 * ':' (reserved for repeatable jobs), and '0'. The prefix makes every id non-numeric; ':' and the escape
 * character '%' are percent-escaped, everything else is kept so ids stay readable in Redis.
 *
 *   encodeJobId('0190c2e4-…')  → 'm_0190c2e4-…'
 *   encodeJobId('wx:123%')     → 'm_wx%3A123%25'
 */
const PREFIX = 'm_';

export function encodeJobId(messageId: string): string {
  return PREFIX + messageId.replace(/[%:]/g, (ch) => (ch === '%' ? '%25' : '%3A'));
}

/** The inverse of {@link encodeJobId}; throws on ids it did not make. */
export function decodeJobId(jobId: string): string {
  if (!jobId.startsWith(PREFIX)) throw new Error(`not a message job id: ${jobId}`);
  return jobId.slice(PREFIX.length).replace(/%(25|3A)/g, (_m, code: string) => (code === '25' ? '%' : ':'));
}
