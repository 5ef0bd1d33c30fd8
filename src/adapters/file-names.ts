/** File names from HTTP answers, made safe to show and to pass on. */

/** filename from `Content-Disposition: attachment; filename="a.jpg"` (or RFC 5987 filename*). */
export function fileNameFrom(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star?.[1]) {
    try {
      return sanitizeName(decodeURIComponent(star[1]));
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
  return plain?.[1] ? sanitizeName(plain[1]) : undefined;
}

function sanitizeName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we strip
  return name.replace(/[/\\\u0000-\u001f]/g, '_').slice(0, 200);
}
