// Values quoted back to the operator in messages (a bad option, a config value, a file's content):
// cut to a readable length and to printable characters, so a 10 MB string or binary garbage is
// one short line on stderr, never the value itself.

/** At most this many characters of a value appear in a message. */
export const QUOTED_MAX = 80;

/** `"value"` with control and non-printable characters shown as `?`, cut with `…` past QUOTED_MAX. */
export function quoted(value: unknown, max = QUOTED_MAX): string {
  const text = typeof value === 'string' ? value : String(JSON.stringify(value) ?? value);
  // eslint-disable-next-line no-control-regex
  const printable = text.slice(0, max + 1).replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
  const cut = printable.length > max ? `${printable.slice(0, max)}…` : printable;
  return `"${cut}"${text.length > max ? ` (${text.length} characters)` : ''}`;
}
