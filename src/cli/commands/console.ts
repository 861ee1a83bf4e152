// `backfill` with no subcommand: on the embedded default, create the demo warehouse when there is
// none (with progress), then open the console on a terminal (joining the run or console host
// that holds the warehouse, else starting a host); without one, print the status grid and say
// what to run instead of drawing a screen nobody can see. The console draws at once, from the
// last coverage it saw of this warehouse (marked "as of"), while its host starts; it loads no
// more of the program than that needs (main.ts skips the other commands' modules for it).
import {existsSync} from 'node:fs';
import type {Command} from 'commander';
import {PendingSession} from '../../attach/pending.js';
import {UsageError} from '../../errors.js';
import {progressLines} from '../../headless/progress.js';
import {clipped} from '../../quote.js';
import {loadCoverageSnapshot} from '../../state/coverage-cache.js';
import {prepareStateDir} from '../../state/dir.js';
import type {CliContext} from '../context.js';
import {loadConsoleUi} from '../console-ui.js';
import type {CommandModule} from '../main.js';
import {consoleSession, leaveConsole} from '../console-session.js';
import {keepCoverageSnapshot} from '../coverage-keeper.js';

/** How long a console left before its host answered waits for that answer (to say why it failed). */
const LEAVE_WAIT_MS = 2000;

/** The demo's games are Final up to the day before the boundary (today unless configured). */
async function createDemo(context: CliContext, file: string): Promise<void> {
  const {createDemoWarehouse} = await import('../../demo/index.js');
  const title = `creating the demo warehouse ${file}`;
  if (context.interactive) {
    const {showProgress} = await loadConsoleUi();
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
    prepareStateDir(context.stateDir); // the host's log, lock and socket go there
    // The host starts (or is found) while Ink and React load and the first frame is drawn.
    const connecting = consoleSession(context);
    connecting.catch(() => undefined);
    const cached = loadCoverageSnapshot(context.stateDir, context.warehouse.identity);
    const session = new PendingSession(
      {
        warehouse: context.warehouse.label,
        boundary: context.boundary,
        coverage: cached,
        run: null,
        validation: null,
        activity: 'connecting to the warehouse',
        attached: false,
        ...(cached ? {coverageAsOf: cached.takenAt} : {}),
      },
      connecting,
    );
    const kept = keepCoverageSnapshot(context, session);
    const {openConsole} = await loadConsoleUi();
    // Unreachable (another process holds the warehouse, the host cannot start): the console leaves
    // at once and the reason is printed where the shell keeps it.
    const exit = await openConsole(session, {alerts: context.notify.terminal, closeWhen: session.ready.then((remote) => (remote ? new Promise(() => undefined) : null))});
    kept.stop();
    // Left before the host answered: a host still starting exits by itself when nobody joins it.
    const remote = session.remote ?? (await Promise.race([session.ready, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), LEAVE_WAIT_MS).unref())]));
    if (remote === undefined) return 0;
    if (!remote) {
      context.err(`backfill: ${session.unavailable}`);
      return 2;
    }
    await leaveConsole(context, remote, exit);
    return exit === 'cancel' ? 1 : 0;
  }
  const {loadStatus, statusLines} = await import('./status.js');
  for (const line of statusLines(await loadStatus(context), context)) context.out(line);
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
