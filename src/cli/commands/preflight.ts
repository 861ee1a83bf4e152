// `backfill preflight --from D --to D`: are phase 4's inputs (lookback included) complete, and do
// the range's raw sources pass their checks? Exit 0 when both hold, 1 with what is missing (table,
// dates as ranges) and which raw checks failed when not.
import type {Command} from 'commander';
import {formatPreflight} from '../../validation/preflight-format.js';
import {preflight} from '../../validation/index.js';
import type {CommandModule} from '../main.js';
import {requireRange} from '../options.js';

export const preflightCommand: CommandModule = {
  register(program: Command, run) {
    program
      .command('preflight')
      .description("check that phase 4's inputs, with lookback, are complete for a range and its raw sources sound")
      .option('--from <date>', 'first date of the phase 4 range')
      .option('--to <date>', 'last date of the phase 4 range')
      .option('--json', 'the result as JSON')
      .action((flags: {from?: string; to?: string; json?: boolean}) =>
        run(async (context) => {
          const range = requireRange(flags);
          const warehouse = await context.openWarehouse({readOnly: true});
          try {
            const result = await preflight(warehouse, range);
            if (flags.json) context.out(JSON.stringify(result));
            else for (const line of formatPreflight(result)) context.out(line);
            return result.ready ? 0 : 1;
          } finally {
            await warehouse.close();
          }
        }),
      );
  },
};
