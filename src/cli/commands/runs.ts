// `backfill runs [--json]`: the run history, newest first: what each run was asked, when it ran and
// how it ended, what it wrote and changed, and whether it can be undone (and why not). From the
// process that holds the warehouse when one does (over its socket, like `status`), else from a
// read-only look at the warehouse's index and the state store.
import {connectSession} from '../../attach/client.js';
import {socketForContext} from '../../attach/paths.js';
import {formatDuration} from '../../figures.js';
import {changeReportLines, changeSummary} from '../../undo/changes.js';
import {undoPolicy} from '../../undo/policy.js';
import {readRuns, requestText, runsJson, type RunListing} from '../../undo/runs-view.js';
import {command, printReading} from '../command.js';
import type {CliContext} from '../context.js';
import {liveRunServes} from './attach.js';

export async function loadRuns(context: CliContext): Promise<RunListing[]> {
  const session = (await liveRunServes(context)) ? await connectSession(socketForContext(context)).catch(() => null) : null;
  if (session) {
    try {
      return await session.call('runs', {});
    } finally {
      await session.close('detach');
    }
  }
  const warehouse = await context.openWarehouse({readOnly: true});
  try {
    return await readRuns(warehouse, context.stateDir, undoPolicy(context.config, context.warehouse.engine));
  } finally {
    await warehouse.close();
  }
}

const when = (iso: string) => iso.slice(0, 19).replace('T', ' ');

/** Three or four lines per run: id and outcome, what it did, what it changed, whether it can be undone. */
export function runsText(runs: readonly RunListing[]): string[] {
  if (runs.length === 0) return ['no runs yet on this warehouse'];
  return runs.flatMap((r) => {
    const took = r.finished && r.started ? `, ${formatDuration((Date.parse(r.finished) - Date.parse(r.started)) / 1000)}` : '';
    const features = r.changes.ml_feature_store?.features ? changeReportLines(r.changes, {maxFeatures: 3}).filter((l) => l.startsWith('MLFS features')) : [];
    return [
      `${r.id}  ${r.outcome}  ${r.started ? when(r.started) : '?'} UTC${took}`,
      `  ${requestText(r)}`,
      ...(r.kind === 'run' ? [`  changes: ${changeSummary(r.changes)}`, ...features.map((line) => `  ${line}`)] : []),
      `  ${r.undoable ? `undoable: \`backfill undo ${r.id}\` puts back the ${r.replaced ?? 0} rows it replaced` : `not undoable: ${r.why}`}`,
    ];
  });
}

export const runsCommand = command({
  name: 'runs',
  description: 'the run history, newest first, and whether each run can be undone',
  options: [['--json', 'as JSON: {"runs": [...]} with id, started, finished, outcome, undoable, ...']],
  async run(context, flags: {readonly json?: boolean}) {
    printReading(context, flags.json, await loadRuns(context), runsJson, runsText);
    return 0;
  },
});
