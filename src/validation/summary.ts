// The validation report as text: one line per table, one column per check (ok, FAIL n, or - when
// the check does not apply to the table), then each failure with its message and sample rows.
// ASCII only: it is read over SSH in whatever locale the operator has.
import {DERIVED_TABLES} from '../catalog/tables.js';
import {findTable} from '../catalog/index.js';
import type {Row} from '../warehouse/types.js';
import type {CheckName, ValidationReport} from './types.js';

export function shortName(table: string): string {
  const found = findTable(table);
  return found && found.kind === 'derived' ? found.short : table;
}

const HEADINGS: ReadonlyArray<readonly [CheckName, string]> = [
  ['completeness', 'complete'],
  ['duplicates', 'duplicates'],
  ['nulls', 'nulls'],
  ['row_counts', 'row counts'],
  ['fresh', 'fresh'],
  ['reconcile_raw', 'vs raw'],
  ['reconcile_team', 'vs PGS sum'],
  ['point_in_time', 'point-in-time'],
];

function rowText(row: Row): string {
  return Object.entries(row)
    .map(([k, v]) => `${k}=${v === null ? 'NULL' : String(v)}`)
    .join(' ');
}

export function headline(report: ValidationReport): string {
  const failed = report.results.filter((r) => !r.passed).length;
  return `${report.passed ? 'PASSED' : `FAILED (${failed} of ${report.results.length} checks)`}`;
}

/** Tables down, checks across. */
export function validationMatrix(report: ValidationReport): string[] {
  const head = ['table', ...HEADINGS.map(([, h]) => h)];
  const rows = DERIVED_TABLES.filter((t) => report.tables.includes(t.name)).map((t) => [
    t.short,
    ...HEADINGS.map(([check]) => {
      const r = report.results.find((x) => x.table === t.name && x.check === check);
      return !r ? '-' : r.passed ? 'ok' : `FAIL ${r.failures}`;
    }),
  ]);
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
}

const RAW_HEADINGS: ReadonlyArray<readonly [CheckName, string]> = [
  ['raw_minutes', 'minutes'],
  ['raw_negative', 'negative counts'],
  ['raw_shooting', 'makes vs attempts'],
  ['raw_shot_chart', 'shot chart vs box score'],
  ['raw_scores', 'Final scores'],
];

/** `raw sources: minutes ok, negative counts FAIL 2, ...`, or nothing when the raw checks did not run. */
export function rawSourcesLines(report: ValidationReport): string[] {
  const cells = RAW_HEADINGS.flatMap(([check, heading]) => {
    const r = report.results.find((x) => x.check === check);
    return r ? [`${heading} ${r.passed ? 'ok' : `FAIL ${r.failures}`}`] : [];
  });
  return cells.length ? [`raw sources: ${cells.join(', ')}`] : [];
}

/** One line per failed check: what was found, on which dates. */
export function failureLines(report: ValidationReport, withSamples: boolean): string[] {
  const lines: string[] = [];
  for (const r of report.results.filter((x) => !x.passed)) {
    lines.push(`FAIL ${r.check} ${r.table}: ${r.message}`);
    if (withSamples) for (const row of r.sample) lines.push(`  ${rowText(row)}`);
  }
  return lines;
}

export function formatValidation(report: ValidationReport): string[] {
  const failures = failureLines(report, true);
  return [
    `validation of ${report.tables.length} tables, ${report.range.start} .. ${report.range.end}: ${headline(report)} in ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
    ...validationMatrix(report),
    ...rawSourcesLines(report),
    ...(failures.length ? ['', ...failures] : []),
  ];
}
