// `backfill preflight --from D --to D`: are phase 4's inputs (lookback included) complete?
// Exit 0 when they are, 1 with what is missing (table, dates as ranges) when not.
import type {Command} from 'commander';
import {shortName} from '../../validation/summary.js';
import {preflight} from '../../validation/index.js';
import type {CommandModule} from '../main.js';
import {requireRange} from '../options.js';

export const preflightCommand: CommandModule = {
  register(program: Command, run) {
    program
      .command('preflight')
      .description("check that phase 4's inputs, with lookback, are complete for a range")
      .option('--from <date>', 'first date of the phase 4 range')
      .option('--to <date>', 'last date of the phase 4 range')
      .option('--json', 'the result as JSON')
      .action((flags: {from?: string; to?: string; json?: boolean}) =>
        run(async (context) => {
          const range = requireRange(flags);
          const warehouse = await context.openWarehouse({readOnly: true});
          try {
            const result = await preflight(warehouse, range);
            if (flags.json) {
              context.out(JSON.stringify(result));
            } else if (result.ready) {
              context.out(`ready: phase 4 inputs are complete for ${range.start} .. ${range.end} (lookback included)`);
            } else {
              context.out(`not ready: phase 4 inputs missing for ${range.start} .. ${range.end} (lookback included)`);
              for (const m of result.missing) {
                context.out(`  ${shortName(m.table).padEnd(5)} ${m.table}: ${m.dates.length} game dates missing: ${m.ranges.join(', ')}`);
              }
            }
            return result.ready ? 0 : 1;
          } finally {
            await warehouse.close();
          }
        }),
      );
  },
};
