// The session on the warehouse the command line configured (a console's host, a headless run):
// the one place that turns the CLI's context into a LocalSession, so that src/session never
// imports from src/cli.
import {findInterruptedRun, warehouseKey} from '../runner/index.js';
import {LocalSession} from '../session/local.js';
import type {CliContext} from './context.js';

/** Opens the warehouse and a session on it, its coverage loaded. */
export async function openLocalSession(context: CliContext, options: {readonly stopWhenOnlyPaused?: boolean} = {}): Promise<LocalSession> {
  const warehouse = await context.openWarehouse();
  const session = new LocalSession({
    warehouse,
    stateDir: context.stateDir,
    config: context.config,
    boundary: context.boundary,
    start: context.start,
    ownsWarehouse: true,
    ...options,
  });
  try {
    await session.refreshCoverage();
  } catch (error) {
    await warehouse.close();
    throw error;
  }
  const interrupted = findInterruptedRun(context.stateDir, warehouseKey(warehouse));
  if (interrupted) {
    const r = interrupted.request.range;
    session.announce(`an interrupted run ${interrupted.runId} (${r.start} → ${r.end}, started ${interrupted.startedAt}) can be resumed: start a run to continue it, cancel to abandon it`);
  }
  return session;
}
