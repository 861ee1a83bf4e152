// `backfill validate [--from D] [--to D] [--tables a,b] [--json]`: the SPEC §5 checks.
// Exit 0 when every check passes, 1 when one fails (2 for bad input, raised as UsageError). The
// results are printed before they are kept for `report`: a state dir that cannot keep them costs
// one warning line, not the results (the exit code still says what the checks found).
import {formatValidation, saveLastValidation, shortName, validate, type ValidationProgress} from '../../validation/index.js';
import {StateDirError} from '../../state/dir.js';
import {command, printReading} from '../command.js';
import {RANGE_OPTIONS, resolveRange, selectTables, type RangeRequest} from '../options.js';

interface ValidateFlags extends RangeRequest {
  readonly tables?: string;
  readonly json?: boolean;
}

export const validateCommand = command({
  name: 'validate',
  description: 'check completeness, duplicates, NULLs, reconciliation with raw, row counts and point-in-time correctness',
  options: [...RANGE_OPTIONS, ['--tables <list>', 'tables to check, e.g. PGS,MLFS (default: all ten)'], ['--json', 'the full report as JSON']],
  async run(context, flags: ValidateFlags) {
    const tables = selectTables(flags.tables, undefined, '--tables');
    const {range} = resolveRange(flags, context);
    const warehouse = await context.openWarehouse({readOnly: true});
    try {
      // On a terminal, one progress line rewritten in place (the full audit takes a while).
      const onProgress = context.interactive && !flags.json
        ? (p: ValidationProgress) => process.stderr.write(`\r\x1b[2K[${p.done}/${p.total}] ${p.result.check} ${shortName(p.result.table)} ${p.result.passed ? 'ok' : 'FAIL'}`)
        : undefined;
      const report = await validate(warehouse, {range, tables, onProgress, config: context.config});
      if (onProgress) process.stderr.write('\r\x1b[2K');
      // The results first: a state dir that cannot keep them must not lose them.
      printReading(context, flags.json, report, (r) => r, formatValidation);
      try {
        saveLastValidation(context.stateDir, report, warehouse.description);
      } catch (error) {
        if (!(error instanceof StateDirError)) throw error;
        context.err(`backfill: warning: these results are not kept for \`backfill report\`: ${error.message}`);
      }
      return report.passed ? 0 : 1;
    } finally {
      await warehouse.close();
    }
  },
});
