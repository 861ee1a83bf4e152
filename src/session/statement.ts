// The statement a batch runs, as the detail pane shows it for a failed batch: the processor's
// replace statements for that range in the warehouse's own dialect (exactly what `backfill sql`
// prints for it), or, for an external processor, its command with the range filled in.
import {derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {Config} from '../config.js';
import type {DateRange} from '../dates.js';
import type {Dialect} from '../queries/dialect.js';
import {renderRangeSql} from '../queries/range-sql.js';
import {expandCommand} from '../runner/external.js';
import type {BatchStatement} from './requests.js';

/** An argument as a shell would need it to mean the same (the command itself runs without one). */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function statementOf(dialect: Dialect, config: Config, processor: DerivedTableName, range: DateRange): BatchStatement {
  const command = config.processors[processor]?.command;
  if (command) {
    const argv = expandCommand(command, range.start, range.end);
    return {kind: 'command', text: `# external command of ${derivedTable(processor).short}, run without a shell:\n${argv.map(shellWord).join(' ')}`};
  }
  return {kind: 'sql', text: renderRangeSql(dialect, derivedTable(processor), range)};
}
