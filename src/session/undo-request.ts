// The console's undo, where the warehouse is open (the host): the same plan and steps as the CLI's
// `undo` (src/undo), its refusal and progress said in the job log, the grid refreshed after.
import {derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import {StateStore} from '../state/store.js';
import {undoPolicy} from '../undo/policy.js';
import {readReplacedRanges} from '../undo/ranges.js';
import {planUndo, type UndoPlan} from '../undo/undo-plan.js';
import {executeUndo} from '../undo/undo-run.js';
import {describeError} from '../warehouse/errors.js';
import type {SessionActionContext} from './action-context.js';

export async function undoInSession(c: SessionActionContext, runId: string, tables: readonly DerivedTableName[] | undefined): Promise<void> {
  const {warehouse, stateDir} = c;
  const policy = undoPolicy(c.config, warehouse.engine);
  let plan: UndoPlan;
  try {
    const history = new StateStore(stateDir).history(warehouse.description);
    plan = planUndo({runId, ...(tables ? {tables: tables.map(derivedTable)} : {}), entries: await readReplacedRanges(warehouse), history, policy});
  } catch (error) {
    c.log('warn', `undo refused: ${describeError(error)}`);
    return;
  }
  const label = `undoing ${runId}`;
  c.activity(label);
  try {
    const outcome = await executeUndo({
      warehouse, stateDir, policy, plan,
      ...(c.config.workers ? {workers: c.config.workers} : {}),
      onStep: ({step, index, total, rows}) => {
        c.log('info', `undo: ${index}/${total} ${derivedTable(step.table).short} ${step.start} → ${step.end}: ${rows} rows back`, step.table);
        c.activity(`${label}: ${index}/${total} ranges`);
      },
    });
    const tally = `${outcome.stepsDone} of ${plan.steps.length} ranges, ${outcome.rows} rows put back`;
    if (outcome.state === 'completed') c.log('info', `undo: run ${runId} undone by ${outcome.undoRunId}: ${tally}`);
    else c.log('error', `undo ${outcome.undoRunId} ${outcome.state}: ${tally}${outcome.error ? `; ${outcome.error}` : ''}; undo it again to put back the rest`);
    await c.refreshCoverage();
  } catch (error) {
    c.log('error', `undo failed: ${describeError(error)}`);
  } finally {
    c.activity(null);
  }
}
