/**
 * Hides the password of every URL in a text: `postgresql://app:s3cret@db/x` → `postgresql://app:***@db/x`. Used on
 * configuration errors and on every logged error, since drivers quote the URL they were given when it is malformed.
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*):([^\s/]*)@/gi;

export function maskUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_, scheme: string, user: string) => `${scheme}${user}:***@`);
}
