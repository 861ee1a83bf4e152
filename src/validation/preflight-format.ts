// preflight's answer as text for the command line: ready, or what is missing (per input table, its
// dates as runs) and which raw checks failed (each with its one-line finding; `validate` shows
// the sample rows).
import {shortName} from './summary.js';
import type {PreflightResult} from './types.js';

export function formatPreflight(result: PreflightResult): string[] {
  const range = `${result.range.start} .. ${result.range.end}`;
  const rawRan = result.raw.length > 0;
  if (result.ready) {
    return [`ready: phase 4 inputs are complete for ${range} (lookback included)${rawRan ? '; the raw sources pass their checks' : ''}`];
  }
  const lines: string[] = [];
  if (result.missing.length) {
    lines.push(`not ready: phase 4 inputs missing for ${range} (lookback included)`);
    for (const m of result.missing) {
      lines.push(`  ${shortName(m.table).padEnd(5)} ${m.table}: ${m.dates.length} game dates missing: ${m.ranges.join(', ')}`);
    }
  }
  const failed = result.raw.filter((r) => !r.passed);
  if (failed.length) {
    lines.push(`not ready: the raw sources fail ${failed.length} of ${result.raw.length} checks for ${range}`);
    for (const r of failed) lines.push(`  ${r.check} ${r.table}: ${r.message}`);
    lines.push(`  (\`backfill validate --from ${result.range.start} --to ${result.range.end}\` shows sample rows)`);
  }
  return lines;
}
