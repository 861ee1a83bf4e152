// What the operator's terminal can show, decided once from the environment: color (NO_COLOR is
// honoured by hand, chalk ignores it) and Unicode (only when the locale says UTF-8; otherwise ASCII
// borders and symbols, so a C locale over SSH still lines up).

export interface TerminalCapabilities {
  readonly color: boolean;
  readonly unicode: boolean;
}

/** https://no-color.org: any non-empty NO_COLOR disables color. */
export function colorEnabled(env: NodeJS.ProcessEnv): boolean {
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/** The locale in effect (LC_ALL over LC_CTYPE over LANG, as setlocale does) names UTF-8. */
export function unicodeEnabled(env: NodeJS.ProcessEnv): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}

export function detectCapabilities(env: NodeJS.ProcessEnv = process.env): TerminalCapabilities {
  return {color: colorEnabled(env), unicode: unicodeEnabled(env)};
}
