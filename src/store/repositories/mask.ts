const HIDDEN = '••••';

/** What the console may show of a secret: never the value; the last 4 characters only when it is long. */
export function maskSecret(value: string): string {
  if (value === '') return '';
  return value.length >= 16 ? `${HIDDEN}${value.slice(-4)}` : HIDDEN;
}

/** Whether `value` is what maskSecret shows (a mask sent back), not a secret someone typed. */
export function isMaskedSecret(value: string): boolean {
  return value.startsWith(HIDDEN) && value.length <= HIDDEN.length + 4;
}

export function maskSecrets(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, maskSecret(value)]));
}
