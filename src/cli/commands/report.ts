// `backfill report [--out FILE]`: writes the completion report (default
// docs/backfill/BACKFILL-COMPLETION-REPORT-YYYYMMDD.txt under the current directory) and prints it.
import {mkdirSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {today} from '../../dates.js';
import {UsageError} from '../../errors.js';
import {buildCompletionReport, formatCompletionReport} from '../../validation/index.js';
import {command} from '../command.js';
import {RANGE_OPTIONS, resolveRange, type RangeRequest} from '../options.js';

export function defaultReportPath(date = today()): string {
  return join('docs', 'backfill', `BACKFILL-COMPLETION-REPORT-${date.replaceAll('-', '')}.txt`);
}

export const reportCommand = command({
  name: 'report',
  description: 'write the completion report (coverage per season and month, feature store, last validation) and print it',
  options: [['--out <file>', 'where to write it (default docs/backfill/BACKFILL-COMPLETION-REPORT-YYYYMMDD.txt)'], ...RANGE_OPTIONS],
  async run(context, flags: RangeRequest & {readonly out?: string}) {
    const {range} = resolveRange(flags, context);
    const warehouse = await context.openWarehouse({readOnly: true});
    let text: string;
    try {
      text = formatCompletionReport(await buildCompletionReport(warehouse, {range, stateDir: context.stateDir}));
    } finally {
      await warehouse.close();
    }
    const file = resolve(flags.out ?? defaultReportPath());
    try {
      mkdirSync(dirname(file), {recursive: true});
      writeFileSync(file, text);
    } catch (error) {
      throw new UsageError(`cannot write the report to ${file}: ${(error as Error).message}`);
    }
    context.out(text.trimEnd());
    context.err(`report written to ${file}`);
    return 0;
  },
});
