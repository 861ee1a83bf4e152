// `backfill` with no subcommand: on the embedded default, create the demo warehouse when there is
// none (with progress), then open the console on a terminal (joining the run or console host
// that holds the warehouse, else starting a host); without one, print the status grid and say
// what to run instead of drawing a screen nobody can see.
import {existsSync} from 'node:fs';
import type {Command} from 'commander';
import {UsageError} from '../../errors.js';
import {progressLines} from '../../headless/progress.js';
import {clipped} from '../../quote.js';
import {prepareStateDir} from '../../state/dir.js';
import type {CliContext} from '../context.js';
import type {CommandModule} from '../main.js';
import {consoleSession, leaveConsole} from '../console-session.js';
import {loadStatus, printStatus} from './status.js';

/** The demo's games are Final up to the day before the boundary (today unless configured). */
async function createDemo(context: CliContext, file: string): Promise<void> {
  const {createDemoWarehouse} = await import('../../demo/index.js');
  const title = `creating the demo warehouse ${file}`;
  if (context.interactive) {
    const {showProgress} = await import('../../ui/index.js');
    await showProgress(title, (report) =>
      createDemoWarehouse(file, {asOf: context.boundary, onProgress: (fraction, label) => report(Math.round(fraction * 1000), 1000, label)}),
    );
  } else {
    // stderr, so that stdout stays the status grid a script may read.
    const summary = await createDemoWarehouse(file, {asOf: context.boundary, onProgress: progressLines(title, context.err)});
    context.err(`${title}: done in ${summary.seconds.toFixed(1)}s (seasons ${summary.seasons.join(', ')})`);
  }
}

export async function openDefault(context: CliContext): Promise<number> {
  const {warehouse} = context;
  if (warehouse.engine === 'duckdb' && !existsSync(warehouse.path)) await createDemo(context, warehouse.path);
  if (context.interactive) {
    // Ink and React load while the host starts (two processes, two cores): a faster first frame.
    const ui = import('../../ui/index.js');
    ui.catch(() => undefined);
    prepareStateDir(context.stateDir); // the host's log, lock and socket go there
    const session = await consoleSession(context);
    const {openConsole} = await ui;
    const exit = await openConsole(session);
    await leaveConsole(context, session, exit);
    return exit === 'cancel' ? 1 : 0;
  }
  printStatus(await loadStatus(context), context);
  context.out('');
  context.out('stdout is not a terminal, so no console: `backfill run` runs the backfill with log lines, `backfill status --json` prints this as JSON.');
  return 0;
}

export const consoleCommand: CommandModule = {
  register(program: Command, run) {
    program
      // Unknown words reach this action as arguments: refuse them instead of opening the console.
      .allowExcessArguments(true)
      .action(() => {
        if (program.args.length > 0) {
          const names = program.commands.map((c) => c.name()).join(', ');
          throw new UsageError(`unknown command '${clipped(program.args[0])}' (commands: ${names})`);
        }
        return run(openDefault);
      });
  },
};
