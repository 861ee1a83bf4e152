// Column-by-column comparison of two aligned rows in SQL, shared by reconciliation and the
// point-in-time audit: a predicate "something differs" and a text that says what.
import type {Dialect} from '../queries/dialect.js';

/** Relative tolerance for FLOAT64 columns: summing in another order moves the last bits. */
export const FLOAT_TOLERANCE = 1e-9;

export interface ComparedColumn {
  /** How the difference is named in the problem text. */
  readonly name: string;
  /** The two expressions compared, e.g. `stored."points"` and `box.points`. */
  readonly left: string;
  readonly right: string;
  readonly float?: boolean;
}

/** TRUE when the two values differ; NULL against a value differs, NULL against NULL does not. */
export function differs(c: ComparedColumn): string {
  const nullness = `((${c.left} IS NULL) <> (${c.right} IS NULL))`;
  const values = c.float
    ? `ABS(${c.left} - ${c.right}) > ${FLOAT_TOLERANCE} * GREATEST(1.0, ABS(${c.left}))`
    : `${c.left} <> ${c.right}`;
  // When either side is NULL the value comparison is NULL and nullness decides.
  return `COALESCE(${values}, ${nullness})`;
}

export function anyDiffers(columns: readonly ComparedColumn[]): string {
  return columns.length ? columns.map(differs).join('\n    OR ') : 'FALSE';
}

/** `points 25 vs 27; assists 3 vs 4` for the columns that differ (left value first). */
export function differenceText(d: Dialect, columns: readonly ComparedColumn[], versus: string): string {
  const text = (expr: string) => `COALESCE(CAST(${expr} AS ${d.columnType('STRING')}), 'NULL')`;
  const parts = columns.map(
    (c) => `CASE WHEN ${differs(c)} THEN CONCAT(${d.literal(`${c.name} `)}, ${text(c.left)}, ${d.literal(` ${versus} `)}, ${text(c.right)}, '; ') ELSE '' END`,
  );
  return parts.length ? `CONCAT(${parts.join(',\n      ')})` : `''`;
}
