// The validation report as text: a summary table (check, table, result, failures, dates) and, for
// each failure, its message and a few sample rows. ASCII only: it is read over any SSH locale.
import {findTable} from '../catalog/index.js';
import type {Row} from '../warehouse/types.js';
import {dateRuns} from './dateRuns.js';
import type {CheckResult, ValidationReport} from './types.js';

export function shortName(table: string): string {
  const found = findTable(table);
  return found && found.kind === 'derived' ? found.short : table;
}

function columns(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd());
}

function rowText(row: Row): string {
  return Object.entries(row)
    .map(([k, v]) => `${k}=${v === null ? 'NULL' : String(v)}`)
    .join(' ');
}

function datesText(result: CheckResult): string {
  if (result.dates.length === 0) return '';
  const runs = dateRuns(result.dates);
  return runs.length <= 3 ? runs.join(', ') : `${runs.slice(0, 3).join(', ')} +${runs.length - 3}`;
}

export function summaryTable(report: ValidationReport): string[] {
  const rows = [['check', 'table', 'result', 'failures', 'dates']];
  for (const r of report.results) {
    rows.push([r.check, shortName(r.table), r.passed ? 'ok' : 'FAIL', String(r.failures), datesText(r)]);
  }
  return columns(rows);
}

export function formatValidation(report: ValidationReport): string[] {
  const failed = report.results.filter((r) => !r.passed);
  const lines = [
    `validation of ${report.tables.length} tables, ${report.range.start} .. ${report.range.end}: ` +
      `${report.passed ? 'PASSED' : `FAILED (${failed.length} of ${report.results.length} checks)`} in ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
    ...summaryTable(report),
  ];
  for (const r of failed) {
    lines.push('', `FAIL ${r.check} ${r.table}: ${r.message}`);
    for (const row of r.sample) lines.push(`  ${rowText(row)}`);
  }
  return lines;
}
