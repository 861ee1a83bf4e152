// The change report in the completion report: what the last run that wrote anything changed, per
// table, and per feature of the ML feature store (values changed, mean before and after, largest
// change). From the run history in the state store, where each batch keeps its figures.
import {StateStore} from '../state/store.js';
import {changeReportLines, featureFigures, reportOf, type ChangeReport} from './changes.js';

export interface LastChanges {
  readonly runId: string;
  readonly finishedAt: string | null;
  readonly report: ChangeReport;
}

/** The newest run (not an undo) whose batches carry figures; null when there is none. */
export function lastChanges(stateDir: string, warehouseKey: string): LastChanges | null {
  const history = new StateStore(stateDir).history(warehouseKey);
  for (const record of [...history].reverse()) {
    if (record.kind === 'undo') continue;
    const done = record.batches.filter((b) => b.status === 'done' && b.changes);
    if (done.length) return {runId: record.runId, finishedAt: record.finishedAt, report: reportOf(done)};
  }
  return null;
}

const figure = (n: number | null) => (n === null ? '-' : n.toFixed(3));

/** The section's lines (indented by the caller's grid helper as it likes). */
export function changesSection(last: LastChanges | null, grid: (head: string[], rows: string[][]) => string[]): string[] {
  const lines = ['', 'CHANGES OF THE LAST RUN'];
  if (!last) return [...lines, '  no run with a change report yet'];
  lines.push(`  ${last.runId}${last.finishedAt ? `, finished ${last.finishedAt.slice(0, 16).replace('T', ' ')} UTC` : ''}`);
  lines.push(...changeReportLines(last.report, {maxFeatures: 0}).filter((l) => !l.startsWith('MLFS features')).map((l) => `  ${l}`));
  const features = last.report.ml_feature_store?.features;
  if (features) {
    const rows = Object.entries(featureFigures(features)).map(([name, f]) => [name, String(f.changed), figure(f.mean_before), figure(f.mean_after), figure(f.max_abs_change)]);
    lines.push('  ML feature store, per feature:', ...grid(['feature', 'changed', 'mean before', 'mean after', 'largest change'], rows).map((l) => `    ${l}`));
  }
  return lines;
}
