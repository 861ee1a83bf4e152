// `backfill undo RUN_ID [--tables a,b] [--yes] [--workers N]`: puts back exactly what a run replaced and removes
// what it added, one atomic step per table and batch range, after confirmation like rollback. The
// question is asked of a read-only warehouse first, so bad input (an unknown run, a run that
// replaced nothing, a table it did not touch, a later run in the way) is one line, exit 2, nothing
// changed; the undo then runs under the warehouse's lock and is a run in the history itself.
import {shortName} from '../../catalog/index.js';
import type {DerivedTable} from '../../catalog/types.js';
import {UsageError} from '../../errors.js';
import {formatDuration} from '../../figures.js';
import {onSignals} from '../../headless/signals.js';
import {prepareStateDir} from '../../state/dir.js';
import {StateStore} from '../../state/store.js';
import {undoPolicy, type UndoPolicy} from '../../undo/policy.js';
import {readReplacedRanges} from '../../undo/ranges.js';
import {planUndo, type UndoPlan} from '../../undo/undo-plan.js';
import {executeUndo} from '../../undo/undo-run.js';
import {describeRef} from '../../warehouse/ref.js';
import type {Warehouse} from '../../warehouse/types.js';
import {command} from '../command.js';
import type {CliContext} from '../context.js';
import {confirmOrRefuse} from '../confirm.js';
import {parsePositiveInt, selectTables} from '../options.js';
import {MAX_WORKERS} from '../../limits.js';

interface UndoOptions {
  readonly tables?: string;
  readonly yes?: boolean;
  readonly workers?: string;
}

async function planOn(warehouse: Warehouse, context: CliContext, runId: string, tables: readonly DerivedTable[] | undefined, policy: UndoPolicy): Promise<UndoPlan> {
  const history = new StateStore(context.stateDir).history(context.warehouse.identity);
  return planUndo({runId, ...(tables ? {tables} : {}), entries: await readReplacedRanges(warehouse), history, policy});
}

/** What the confirmation says the undo does. */
export function undoQuestion(plan: UndoPlan, where: string): string {
  const ranges = `${plan.steps.length} batch range${plan.steps.length === 1 ? '' : 's'}`;
  const resumed = plan.alreadyUndone ? ` (an earlier undo already put back ${plan.alreadyUndone})` : '';
  return (
    `Put back the ${plan.keptRows} rows run ${plan.runId} replaced in ${plan.tables.map(shortName).join(', ')} ` +
    `(${ranges}, ${plan.range.start}..${plan.range.end})${resumed}, removing what it wrote there, in ${where}?`
  );
}

export async function undo(context: CliContext, runId: string, options: UndoOptions): Promise<number> {
  const tables = options.tables !== undefined ? selectTables(options.tables, undefined, '--tables') : undefined;
  const workers = parsePositiveInt(options.workers, '--workers', MAX_WORKERS) ?? context.config.workers;
  const policy = undoPolicy(context.config, context.warehouse.engine);
  const reader = await context.openWarehouse({readOnly: true});
  let asked: UndoPlan;
  try {
    asked = await planOn(reader, context, runId, tables, policy);
  } finally {
    await reader.close();
  }
  if (!(await confirmOrRefuse(undoQuestion(asked, describeRef(context.warehouse)), {yes: options.yes, what: 'undo'}))) {
    context.err('undo: not confirmed, nothing changed');
    return 2;
  }
  prepareStateDir(context.stateDir);
  const warehouse = await context.openWarehouse();
  const stop = new AbortController();
  const removeSignals = onSignals((signal) => {
    context.err(`undo: ${signal}: stopping after the range in flight (each range is put back whole or not at all); \`backfill undo ${runId}\` again finishes it`);
    stop.abort();
  });
  try {
    // Asked again on the writable warehouse: what runs is what was confirmed, or nothing.
    const plan = await planOn(warehouse, context, runId, tables, policy);
    if (plan.steps.length !== asked.steps.length || plan.keptRows !== asked.keptRows) {
      throw new UsageError(`the warehouse changed since the question (run ${runId} now has ${plan.steps.length} ranges to put back): nothing changed; ask again`);
    }
    const outcome = await executeUndo({
      warehouse,
      stateDir: context.stateDir,
      policy,
      plan,
      signal: stop.signal,
      ...(workers !== undefined ? {workers} : {}),
      onStep: ({step, index, total, rows, durationMs}) =>
        context.out(`undo: ${index}/${total} ${shortName(step.table)} ${step.start}..${step.end}: ${rows} rows back (${formatDuration(durationMs / 1000)})`),
    });
    const tally = `${outcome.stepsDone} of ${plan.steps.length} ranges, ${outcome.rows} rows put back`;
    if (outcome.state === 'completed') {
      context.out(`undo: run ${runId} undone by ${outcome.undoRunId}: ${tally}`);
      return 0;
    }
    context.err(`undo: ${outcome.undoRunId} ${outcome.state}: ${tally}${outcome.error ? `; ${outcome.error}` : ''}; \`backfill undo ${runId}\` again puts back the rest`);
    return 1;
  } finally {
    removeSignals();
    await warehouse.close();
  }
}

export const undoCommand = command({
  name: 'undo',
  description: 'put back what a run replaced (after confirmation); `backfill runs` lists the runs',
  argument: ['<run-id>', 'the run to undo (from `backfill runs`)'],
  options: [
    ['--tables <list>', 'only these tables of the run, comma-separated (PGS,TDZA)'],
    ['--yes', 'do not ask (required when stdin is not a terminal)'],
    ['--workers <n>', 'ranges put back at once (default: the configured workers, 4)'],
  ],
  run: (context, flags: UndoOptions, runId) => undo(context, runId, flags),
});
