// The runs view's logic, apart from its drawing: opening it (the host lists the runs; the view
// shows "asking" until they arrive), moving the selection, and the undo confirmation of the
// selected run, which says what undo puts back or, for a run that cannot be undone, why not.
import {shortName} from '../catalog/index.js';
import {changeReportLines} from '../undo/changes.js';
import type {RunListing} from '../undo/runs-view.js';
import type {Dialog} from './dialogs.js';
import {notify, patchUi, type KeyContext} from './key-context.js';

/** Opens the runs view (the selection on `runId` once the list arrives, when given) and asks the host for the list. */
export function openRuns(c: KeyContext, runId?: string): void {
  patchUi(c, () => ({overlay: {kind: 'runs', runs: null, selected: 0, error: null}, overlayScroll: 0}));
  const arrived = (update: {runs?: readonly RunListing[]; error?: string}) =>
    c.setUi((u) => {
      if (u.overlay?.kind !== 'runs' || u.overlay.runs !== null || u.overlay.error !== null) return u;
      const runs = update.runs ?? [];
      const selected = Math.max(0, runs.findIndex((r) => r.id === runId));
      return {...u, overlay: {kind: 'runs', runs: update.runs ?? null, selected, error: update.error ?? null}};
    });
  c.session.call('runs', {}).then(
    (runs) => arrived({runs}),
    (error: unknown) => arrived({error: error instanceof Error ? error.message : String(error)}),
  );
}

export function moveSelection(c: KeyContext, by: number): void {
  patchUi(c, (u) => (u.overlay?.kind === 'runs' && u.overlay.runs ? {overlay: {...u.overlay, selected: Math.max(0, Math.min(u.overlay.runs.length - 1, u.overlay.selected + by))}} : {}));
}

/** Why the selected run cannot be undone from here now, or null. */
export function undoOff(c: KeyContext, run: RunListing | undefined): string | null {
  if (!run) return 'no run selected';
  if (c.runActive) return 'a run is in flight: undo once it has ended';
  return run.undoable ? null : `${run.id} cannot be undone: ${run.why}`;
}

export function undoDialog(run: RunListing): Dialog {
  const tables = run.processors.map(shortName).join(', ');
  const range = run.range ? ` (${run.range.start}..${run.range.end})` : '';
  return {
    title: `Undo ${run.id}?`,
    body: [
      `Puts back the ${run.replaced ?? 0} rows it replaced in ${tables}${range} and removes what it wrote there.`,
      'Each table and batch range is put back whole or not at all; the undo is a run in the history.',
      ...changeReportLines(run.changes, {maxFeatures: 2}),
    ],
    choices: [
      {
        input: 'y',
        label: 'undo it',
        run: (c) => {
          void c.session.call('undo', {runId: run.id});
          notify(c, `undoing ${run.id}`);
        },
      },
      {input: 'esc', label: 'keep it', run: () => undefined},
    ],
  };
}
