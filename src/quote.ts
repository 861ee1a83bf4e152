// Values quoted back to the operator in messages (a bad option, a config value, a file's content):
// cut to a readable length and to printable characters, so a 10 MB string or binary garbage is
// one short line on stderr, never the value itself.

/** At most this many characters of a value appear in a message. */
export const QUOTED_MAX = 80;

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffd]/g;

/** `"value"` with control and non-printable characters shown as `?`, cut with `…` past QUOTED_MAX. */
export function quoted(value: unknown, max = QUOTED_MAX): string {
  const text = typeof value === 'string' ? value : String(JSON.stringify(value) ?? value);
  return `"${clipped(text, max)}"${text.length > max ? ` (${text.length} characters)` : ''}`;
}

/**
 * Text that may carry someone else's bytes without being a value of its own (a parser's message
 * that quotes the input, a key path): as it is when short and printable, else cut like quoted()
 * but without the quotes.
 */
export function clipped(text: string, max = QUOTED_MAX): string {
  const printable = text.slice(0, max + 1).replace(UNPRINTABLE, '?');
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}
