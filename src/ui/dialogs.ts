// The confirmations as data: what they ask and the answers, each answer carrying what it does. The
// dialog renders these choices and the confirmation layer runs the one pressed, so no code
// anywhere switches over kinds of dialog: a new confirmation is one more function here.
import {dependantsOf, shortName} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {ReprocessMode, RunRequest, RunSnapshot} from '../runner/types.js';
import {notify, patchUi, type KeyContext} from './key-context.js';
import type {KeyPress} from './key-press.js';
import {planPreviewLines, type PreviewState} from './plan-preview.js';
import type {Selection} from './ui-state.js';

export interface Choice {
  /** The key that answers: a character, or 'esc'. */
  readonly input: string;
  readonly label: string;
  /** What the answer does; the dialog is already closed when it runs. */
  readonly run: (context: KeyContext) => void;
}

export interface Dialog {
  readonly title: string;
  /** What it does, most important line first: the dialog shows as many as fit. */
  readonly body: readonly string[];
  readonly choices: readonly Choice[];
}

export function choiceFor(choices: readonly Choice[], press: KeyPress): Choice | undefined {
  if (press.key.escape) return choices.find((c) => c.input === 'esc');
  return choices.find((c) => c.input === press.input && !press.key.ctrl);
}

const dismiss = (label: string): Choice => ({input: 'esc', label, run: () => undefined});

const short = (name: string | undefined) => (name === undefined ? '?' : shortName(name));

/** The request of a selection: its tables and range, and what to rebuild (missing dates unless said). */
function requestOf(selection: Selection, mode: ReprocessMode): RunRequest {
  return {range: selection.range, processors: selection.tables, ...(mode === 'missing' ? {} : {reprocess: mode})};
}

export function startDialog(selection: Selection, preview: PreviewState, mode: ReprocessMode = 'missing'): Dialog {
  const {range, label} = selection;
  return {
    title: mode === 'stale' ? `Rebuild the stale dates of ${label} (${range.start}..${range.end})?` : `Start ${label} (${range.start}..${range.end})?`,
    body: planPreviewLines(preview),
    // Nothing starts unseen: y exists only once the plan (and its cost) is on screen.
    choices:
      preview && 'hasWork' in preview && preview.hasWork
        ? [
            {
              input: 'y',
              label: 'start',
              run: (c) => {
                startShownPlan(c, selection, preview, mode);
                notify(c, `${mode === 'stale' ? 'rebuilding the stale dates of' : 'starting'} ${label} (${range.start}..${range.end})`);
              },
            },
            dismiss('not now'),
          ]
        : [dismiss('close')],
  };
}

/**
 * y on the start dialog: the session runs the plan on screen (by its id) or, when the warehouse
 * changed since, starts nothing and sends the new plan, which the dialog shows to ask again.
 */
function startShownPlan(c: KeyContext, selection: Selection, preview: PreviewState, mode: ReprocessMode): void {
  const planId = preview && 'planId' in preview ? preview.planId : undefined;
  c.session.call('start', {request: requestOf(selection, mode), planId}).then(
    (reply) => {
      if (reply.started) return;
      const replanned = reply.preview;
      c.setUi((u) => (replanned && u.overlay === null ? {...u, notice: reply.reason, overlay: {kind: 'confirm', dialog: startDialog(selection, replanned, mode)}} : {...u, notice: reply.reason}));
    },
    (error: unknown) => notify(c, `cannot start: ${error instanceof Error ? error.message : String(error)}`),
  );
}

/**
 * Opens the start confirmation at once; the plan (and BigQuery's estimate) fills it when it
 * arrives, if it is still open. `mode` stale: the selection's stale dates, with their cascade.
 */
export function askToStart(c: KeyContext, selection: Selection, mode: ReprocessMode = 'missing'): void {
  const asked = startDialog(selection, null, mode);
  c.setUi((u) => ({...u, overlay: {kind: 'confirm', dialog: asked}}));
  const settle = (preview: PreviewState) =>
    c.setUi((u) => (u.overlay?.kind === 'confirm' && u.overlay.dialog === asked ? {...u, overlay: {kind: 'confirm', dialog: startDialog(selection, preview, mode)}} : u));
  c.session.call('preview', {request: requestOf(selection, mode)}).then(settle, (error: unknown) => settle({error: error instanceof Error ? error.message : String(error)}));
}

export function cancelDialog(processor: {readonly name: DerivedTableName; readonly short: string}): Dialog {
  return {
    title: `Cancel ${processor.short}?`,
    body: ['Its queued batches are abandoned; the dates it already wrote stay.'],
    choices: [
      {
        input: 'y',
        label: `cancel ${processor.short}`,
        run: (c) => {
          void c.session.call('intent', {intent: {type: 'cancel', processor: processor.name}});
          notify(c, `cancelling ${processor.name}`);
        },
      },
      dismiss('keep it running'),
    ],
  };
}

export function cancelRunDialog(): Dialog {
  return {
    title: 'Cancel the whole run?',
    body: ['Every processor stops after its in-flight batch; what was written stays.'],
    choices: [
      {
        input: 'y',
        label: 'cancel the run',
        run: (c) => {
          void c.session.call('intent', {intent: {type: 'cancel'}});
          notify(c, 'cancelling the run');
        },
      },
      dismiss('keep it running'),
    ],
  };
}

export function rollbackDialog(selection: Selection): Dialog {
  const {range, tables, label} = selection;
  const stale = dependantsOf(tables);
  const rollback = (rerun: boolean) => (c: KeyContext) => {
    void c.session.call('rollback', {range, tables, rerun});
    notify(c, `rolling back ${label}${rerun ? ' and re-running it' : ''}`);
  };
  return {
    title: `Roll back ${label}?`,
    body: [
      `Deletes the rows of ${tables.map(short).join(', ')} from ${range.start} to ${range.end}.`,
      ...(stale.length ? [`Built from them, kept as they are: ${stale.map((t) => t.short).join(', ')}`, 'r re-runs the range, then the dates of those that read it (the cascade)'] : []),
    ],
    choices: [{input: 'y', label: 'delete', run: rollback(false)}, {input: 'r', label: 'delete and re-run', run: rollback(true)}, dismiss('keep the rows')],
  };
}

export function quitDialog(): Dialog {
  return {
    title: 'A run is in flight. Quit?',
    body: ['Detach: it goes on in the background, and `backfill` rejoins it.', 'Cancel: it stops now; what it wrote stays, a later run does the rest.'],
    choices: [
      {input: 'd', label: 'detach', run: (c) => c.quit('detach', 'detach')},
      {input: 'c', label: 'cancel the run', run: (c) => c.quit('cancel', 'cancel')},
      dismiss('stay'),
    ],
  };
}

/** The run summary's answer: validate what the run wrote (its range, the processors it ran); null without a range. */
export function validateRunChoice(run: RunSnapshot): Choice | null {
  const {range} = run;
  if (!range) return null;
  return {
    input: 'v',
    label: 'validate what it wrote',
    run: (c) => {
      void c.session.call('validate', {range, tables: run.processors.filter((p) => p.status !== 'idle').map((p) => p.name)});
      patchUi(c, () => ({awaitingValidation: true, notice: `validating ${range.start}..${range.end}`}));
    },
  };
}
