// Every check is one set-based query that selects its offending rows; this wraps that SELECT so
// that one round trip returns the total, every date concerned and a small sample of rows.
import type {CheckName, CheckResult} from './types.js';
import type {Table} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import type {Params, Row, Warehouse} from '../warehouse/types.js';

/** Rows shown per failing check. */
export const SAMPLE_ROWS = 5;

export interface FailureQuery {
  readonly check: CheckName;
  /** The table the check is about: a derived table, or a raw source for the raw checks. */
  readonly table: Table;
  /** Common table expressions the `bad` SELECT reads (`name AS (...), ...`), if any. */
  readonly with?: string;
  /** A SELECT of the offending rows; it must have a `game_date` column. */
  readonly bad: string;
  /** Columns of `bad` that order the sample deterministically (game_date first is implied). */
  readonly order: readonly string[];
  readonly params: Params;
  /** The one-line message, given what was found. */
  describe(found: Found): string;
}

export interface Found {
  readonly failures: number;
  readonly dates: readonly IsoDate[];
  /** The sample plus the first offending row of every date. */
  readonly rows: readonly Row[];
}

const HELPERS = ['sample_rank', 'date_rank', 'failure_total'];

export function failureSql(w: Warehouse, q: FailureQuery): string {
  const d = w.dialect;
  const order = ['game_date', ...q.order.filter((c) => c !== 'game_date')].map((c) => d.ident(c)).join(', ');
  return `WITH ${q.with ? `${q.with},\n` : ''}bad AS (
${q.bad}
),
ranked AS (
  SELECT bad.*,
    ROW_NUMBER() OVER (ORDER BY ${order}) AS sample_rank,
    ROW_NUMBER() OVER (PARTITION BY game_date ORDER BY ${order}) AS date_rank,
    COUNT(*) OVER () AS failure_total
  FROM bad
)
SELECT * FROM ranked WHERE sample_rank <= ${SAMPLE_ROWS} OR date_rank = 1 ORDER BY sample_rank`;
}

/** Runs the check's query and turns what it returns into a CheckResult. */
export async function runFailureQuery(w: Warehouse, q: FailureQuery): Promise<CheckResult> {
  const started = Date.now();
  const rows = await w.query(failureSql(w, q), q.params, {job: {runId: 'validate', processor: q.table.name, step: q.check}});
  const failures = rows.length ? Number(rows[0].failure_total) : 0;
  const dates = [...new Set(rows.filter((r) => Number(r.date_rank) === 1).map((r) => String(r.game_date)))].sort();
  const strip = (r: Row) => Object.fromEntries(Object.entries(r).filter(([k]) => !HELPERS.includes(k)));
  const sample = rows.filter((r) => Number(r.sample_rank) <= SAMPLE_ROWS).map(strip);
  const found: Found = {failures, dates, rows: rows.map(strip)};
  return {
    check: q.check,
    table: q.table.name,
    passed: failures === 0,
    failures,
    dates,
    sample,
    message: q.describe(found),
    durationMs: Date.now() - started,
  };
}
