// A throughput series as a sparkline: one character per interval, its height the interval's dates
// per second against the highest of the series shown (so a slowdown reads as a drop at the end).
// Block characters under a UTF-8 locale, ASCII otherwise.

const UNICODE = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const ASCII = ['_', '.', ':', '-', '=', '+', '*', '#'];

export function sparkline(values: readonly number[], unicode: boolean): string {
  const levels = unicode ? UNICODE : ASCII;
  const max = Math.max(0, ...values);
  return values.map((v) => levels[max > 0 ? Math.min(levels.length - 1, Math.round((v / max) * (levels.length - 1))) : 0]).join('');
}

/** The sparkline of the last points that fit `room` columns (at least MIN_POINTS, else none). */
export const MIN_POINTS = 3;

export function fittedSparkline(values: readonly number[], room: number, unicode: boolean): string {
  if (room < MIN_POINTS || values.length === 0) return '';
  return sparkline(values.slice(-room), unicode);
}
