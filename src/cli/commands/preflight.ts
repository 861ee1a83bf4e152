// `backfill preflight --from D --to D`: are phase 4's inputs (lookback included) complete, and do
// the range's raw sources pass their checks? Exit 0 when both hold, 1 with what is missing (table,
// dates as ranges) and which raw checks failed when not.
import {formatPreflight} from '../../validation/preflight-format.js';
import {preflight} from '../../validation/index.js';
import {command, printReading} from '../command.js';
import {requireRange, type RangeRequest} from '../options.js';

export const preflightCommand = command({
  name: 'preflight',
  description: "check that phase 4's inputs, with lookback, are complete for a range and its raw sources sound",
  options: [
    ['--from <date>', 'first date of the phase 4 range'],
    ['--to <date>', 'last date of the phase 4 range'],
    ['--json', 'the result as JSON'],
  ],
  async run(context, flags: RangeRequest & {readonly json?: boolean}) {
    const range = requireRange(flags);
    const warehouse = await context.openWarehouse({readOnly: true});
    try {
      const result = await preflight(warehouse, range);
      printReading(context, flags.json, result, (r) => r, formatPreflight);
      return result.ready ? 0 : 1;
    } finally {
      await warehouse.close();
    }
  },
});
