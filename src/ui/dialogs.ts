// The confirmation dialogs as data: what they ask and the keys that answer. The dialog renders
// these choices and the key handler dispatches from the same list.
import {dependantsOf, DERIVED_TABLES} from '../catalog/index.js';
import type {DialogChoice} from './keymap.js';
import {planPreviewLines} from './plan-preview.js';
import type {ConfirmKind, PreviewState, Selection} from './ui-state.js';

export type DialogValue = 'confirm' | 'rerun' | 'detach' | 'cancel-run' | 'dismiss';

export interface DialogSpec {
  readonly title: string;
  /** What it does, most important line first: the dialog shows as many as fit. */
  readonly body: readonly string[];
  readonly choices: readonly DialogChoice<DialogValue>[];
}

const short = (name: string | undefined) => DERIVED_TABLES.find((t) => t.name === name)?.short ?? name ?? '?';

export function dialogFor(kind: ConfirmKind, selection?: Selection, processor?: string, preview?: PreviewState): DialogSpec {
  switch (kind) {
    case 'start':
      return {
        title: `Start ${selection?.label ?? ''} (${selection?.range.start}..${selection?.range.end})?`,
        body: planPreviewLines(preview),
        // Nothing starts unseen: y exists only once the plan (and its cost) is on screen.
        choices: preview && 'hasWork' in preview && preview.hasWork
          ? [
              {input: 'y', label: 'start', value: 'confirm'},
              {input: 'esc', label: 'not now', value: 'dismiss'},
            ]
          : [{input: 'esc', label: 'close', value: 'dismiss'}],
      };
    case 'cancel':
      return {
        title: `Cancel ${short(processor)}?`,
        body: ['Its queued batches are abandoned; the dates it already wrote stay.'],
        choices: [
          {input: 'y', label: `cancel ${short(processor)}`, value: 'confirm'},
          {input: 'esc', label: 'keep it running', value: 'dismiss'},
        ],
      };
    case 'cancel-all':
      return {
        title: 'Cancel the whole run?',
        body: ['Every processor stops after its in-flight batch; what was written stays.'],
        choices: [
          {input: 'y', label: 'cancel the run', value: 'confirm'},
          {input: 'esc', label: 'keep it running', value: 'dismiss'},
        ],
      };
    case 'rollback': {
      const stale = selection ? dependantsOf(selection.tables) : [];
      return {
        title: `Roll back ${selection?.label ?? ''}?`,
        body: [
          `Deletes the rows of ${selection?.tables.map(short).join(', ')} from ${selection?.range.start} to ${selection?.range.end}.`,
          ...(stale.length ? [`Built from them, kept as they are: ${stale.map((t) => t.short).join(', ')}`] : []),
        ],
        choices: [
          {input: 'y', label: 'delete', value: 'confirm'},
          {input: 'r', label: 'delete and re-run', value: 'rerun'},
          {input: 'esc', label: 'keep the rows', value: 'dismiss'},
        ],
      };
    }
    case 'quit':
      return {
        title: 'A run is in flight. Quit?',
        body: ['Detach: it goes on in the background, and `backfill` rejoins it.', 'Cancel: it stops now; what it wrote stays, a later run does the rest.'],
        choices: [
          {input: 'd', label: 'detach', value: 'detach'},
          {input: 'c', label: 'cancel the run', value: 'cancel-run'},
          {input: 'esc', label: 'stay', value: 'dismiss'},
        ],
      };
  }
}
