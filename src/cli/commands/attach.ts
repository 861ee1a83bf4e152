// `backfill attach`: opens the console on the process that holds the warehouse (a console's host,
// a headless `run` or `run --detach`). Quitting leaves its run going.
import {connectSession} from '../../attach/client.js';
import {socketForContext} from '../../attach/paths.js';
import {isSocketLive} from '../../attach/server.js';
import {UsageError} from '../../errors.js';
import {command} from '../command.js';
import type {CliContext} from '../context.js';
import {loadConsoleUi} from '../console-ui.js';
import {leaveConsole} from '../console-session.js';

/** True when a live run serves this warehouse. */
export function liveRunServes(context: CliContext): Promise<boolean> {
  return isSocketLive(socketForContext(context));
}

export async function attachConsole(context: CliContext): Promise<number> {
  const path = socketForContext(context);
  if (!(await isSocketLive(path))) {
    throw new UsageError('no run holds this warehouse: start one with `backfill run --detach` or open the console with `backfill`');
  }
  if (!context.interactive) throw new UsageError('attach needs a terminal; for scripts use `backfill status --json`');
  const session = await connectSession(path);
  const {openConsole} = await loadConsoleUi();
  await leaveConsole(context, session, await openConsole(session, {alerts: context.notify.terminal}));
  return 0;
}

export const attachCommand = command({
  name: 'attach',
  description: 'open the console on the run that holds the warehouse; quitting leaves it running',
  run: attachConsole,
});
