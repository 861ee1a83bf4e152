// The statements that replace one range of a table, as text for a person to read: what `backfill
// sql` prints, and what the console's detail pane shows for a batch that failed (the host renders
// it with the warehouse's own dialect, so it is the statement that ran). Parameters stay
// parameters; their values are listed in a header comment.
import type {DerivedTable} from '../catalog/types.js';
import type {DateRange} from '../dates.js';
import type {Dialect} from './dialect.js';
import {processorFor} from './processors/index.js';
import {replaceRangeStatements} from './write.js';

/** The statements of one range replacement, with a header naming the table, range and parameter values. */
export function renderRangeSql(d: Dialect, table: DerivedTable, range: DateRange): string {
  const statements = replaceRangeStatements(d, table, processorFor(table).select(d));
  const name = (p: string) => (d.engine === 'bigquery' ? `@${p}` : `$${p}`);
  const how = d.engine === 'bigquery'
    ? 'one MERGE: atomic, its DELETE arm limited to the range'
    : 'DELETE then INSERT, run in one transaction';
  const header = [
    `-- ${table.name} (${table.short}), game dates ${range.start} .. ${range.end}, ${d.engine}: ${how}`,
    `-- parameters: ${name('start_date')} = DATE '${range.start}', ${name('end_date')} = DATE '${range.end}', ` +
      `${name('run_id')} = STRING (the run's id, set when it runs)`,
  ];
  const body = statements.map((s, i) => `-- statement ${i + 1} of ${statements.length}\n${s};`);
  return [...header, '', body.join('\n\n')].join('\n');
}
