// The console's modal layers, top first: a key goes to the first active layer, which consumes it
// or passes it to the next (gemini-cli's KeypressContext). A layer that covers the panes also says
// how it draws there, so a new overlay (a pane, a confirmation) is one more entry in LAYERS, at
// its rank, plus the Overlay kind it is active for: no ladder to edit in the key handler or App.
import {Text} from 'ink';
import type {ReactNode} from 'react';
import {choiceFor, validateRunChoice} from './dialogs.js';
import {ConfirmDialog} from './components/ConfirmDialog.js';
import {DetailPane} from './components/DetailPane.js';
import {HelpOverlay} from './components/HelpOverlay.js';
import {RunSummary} from './components/RunSummary.js';
import {RunsPane} from './components/RunsPane.js';
import {ValidationPane} from './components/ValidationPane.js';
import {truncate} from './format.js';
import {notify, patchUi, type KeyContext} from './key-context.js';
import {matchesAny, type KeyPress} from './key-press.js';
import {actOn, bindingFor, bindingOf} from './keymap.js';
import {moveSelection, openRuns, undoDialog, undoOff} from './runs-view.js';
import {useTheme} from './theme.js';
import type {Overlay} from './ui-state.js';

export interface LayerView {
  /** 'body': everything between the status bar and the footer; 'lower': the processors and the log. */
  readonly area: 'body' | 'lower';
  /** What it draws in that area; null leaves the panes as they are. */
  readonly render: (context: KeyContext, size: {readonly width: number; readonly height: number}) => ReactNode;
}

export interface Layer {
  readonly id: string;
  readonly active: (context: KeyContext) => boolean;
  /** True when the layer consumed the key; false passes it to the layer below. */
  readonly onKey: (press: KeyPress, context: KeyContext) => boolean;
  /** Footer text in place of the keymap's hints while the layer is active. */
  readonly footer?: string;
  readonly view?: LayerView;
}

type OverlayOf<K extends Overlay['kind']> = Extract<Overlay, {kind: K}>;

/** A layer active while an overlay of this kind is open; its handlers get that overlay, typed. */
function overlayLayer<K extends Overlay['kind']>(
  kind: K,
  spec: {
    readonly onKey: (press: KeyPress, overlay: OverlayOf<K>, context: KeyContext) => boolean;
    readonly footer?: string;
    readonly view?: {readonly area: LayerView['area']; readonly render: (overlay: OverlayOf<K>, context: KeyContext, size: {readonly width: number; readonly height: number}) => ReactNode};
  },
): Layer {
  const open = (c: KeyContext) => (c.ui.overlay?.kind === kind ? (c.ui.overlay as OverlayOf<K>) : null);
  const {view} = spec;
  return {
    id: kind,
    active: (c) => open(c) !== null,
    onKey: (press, c) => spec.onKey(press, open(c)!, c),
    ...(spec.footer ? {footer: spec.footer} : {}),
    view: view && {area: view.area, render: (c, size) => view.render(open(c)!, c, size)},
  };
}

const close = (c: KeyContext) => patchUi(c, () => ({overlay: null}));

/** ↑/↓ (and k/j) scroll a pane that has more lines than room; the keys are the keymap's. */
function scrolled(press: KeyPress, c: KeyContext): boolean {
  const by = matchesAny(bindingOf('up').keys, press) ? -1 : matchesAny(bindingOf('down').keys, press) ? 1 : 0;
  if (by !== 0) patchUi(c, (u) => ({overlayScroll: Math.max(0, u.overlayScroll + by)}));
  return by !== 0;
}

function ClosingLine({message, width}: {readonly message: string; readonly width: number}) {
  const theme = useTheme();
  return (
    <Text bold wrap="truncate">
      {truncate(message, width, theme.ellipsis)}
    </Text>
  );
}

const interrupt = bindingOf('interrupt');

export const LAYERS: readonly Layer[] = [
  {
    // Ctrl+C works from anywhere, a dialog or help included (and, while closing, leaves at once).
    id: 'interrupt',
    active: () => true,
    onKey: (press, c) => {
      if (!matchesAny(interrupt.keys, press)) return false;
      actOn(interrupt, c);
      return true;
    },
  },
  overlayLayer('closing', {
    onKey: () => true,
    view: {area: 'lower', render: ({message}, _, {width}) => <ClosingLine message={message} width={width} />},
  }),
  {
    // Not modal: any key the console takes retires the previous key's notice, then goes on down.
    id: 'notice',
    active: (c) => c.ui.notice !== null,
    onKey: (_, c) => {
      notify(c, null);
      return false;
    },
  },
  // Only an answer acts ('n' is not one: the dialog stays); the answer runs once it is closed.
  overlayLayer('confirm', {
    onKey: (press, {dialog}, c) => {
      const choice = choiceFor(dialog.choices, press);
      if (choice) {
        close(c);
        choice.run(c);
      }
      return true;
    },
    view: {area: 'lower', render: ({dialog}, _, {width, height}) => <ConfirmDialog dialog={dialog} width={width} height={height} />},
  }),
  overlayLayer('help', {
    onKey: (press, _, c) => {
      if (!scrolled(press, c)) close(c); // any other key closes
      return true;
    },
    view: {area: 'body', render: (_, c, {width, height}) => <HelpOverlay width={width} height={height} scroll={c.ui.overlayScroll} />},
  }),
  {
    id: 'filter',
    active: (c) => c.ui.editingFilter,
    footer: 'type to filter the log   enter: keep   esc: clear',
    onKey: ({input, key}, c) => {
      if (key.escape) patchUi(c, () => ({editingFilter: false, filter: '', logAnchor: null}));
      else if (key.return) patchUi(c, () => ({editingFilter: false}));
      else if (key.backspace || key.delete) patchUi(c, (u) => ({filter: u.filter.slice(0, -1), logAnchor: null}));
      else if (input && !key.ctrl && !key.meta && !/[\x00-\x1f]/.test(input)) patchUi(c, (u) => ({filter: u.filter + input, logAnchor: null}));
      return true;
    },
  },
  // A results pane: it scrolls and closes; the other keys act on the grid beneath it.
  overlayLayer('validation', {
    onKey: (press, _, c) => {
      if (scrolled(press, c)) return true;
      if (!matchesAny([...bindingOf('back').keys, ...bindingOf('show-validation').keys], press)) return false;
      close(c);
      return true;
    },
    view: {area: 'lower', render: (_, c, {width, height}) => (c.validation ? <ValidationPane report={c.validation} width={width} height={height} scroll={c.ui.overlayScroll} /> : null)},
  }),
  // A day's attempts, error and statement: it scrolls (a page at a time too) and esc closes it;
  // it takes every other key, so that a key meant for the grid does not act unseen beneath it.
  overlayLayer('detail', {
    onKey: (press, _, c) => {
      if (scrolled(press, c)) return true;
      const page = matchesAny(bindingOf('log-older').keys, press) ? -10 : matchesAny(bindingOf('log-newer').keys, press) ? 10 : 0;
      if (page !== 0) patchUi(c, (u) => ({overlayScroll: Math.max(0, u.overlayScroll + page)}));
      else if (matchesAny([...bindingOf('back').keys, ...bindingOf('quit').keys], press)) close(c);
      return true;
    },
    footer: 'up/down, pgup/pgdn scroll   esc: close',
    view: {
      area: 'body',
      render: ({processor, date, knownError}, c, {width, height}) => (
        <DetailPane session={c.session} processor={processor} date={date} knownError={knownError} width={width} height={height} scroll={c.ui.overlayScroll} />
      ),
    },
  }),
  // The end of a run: v validates what it wrote, u opens the runs view on it (to undo it); any
  // other key closes it, and esc does only that.
  overlayLayer('summary', {
    onKey: (press, {snapshot}, c) => {
      const offer = validateRunChoice(snapshot);
      const answer = offer ? choiceFor([offer], press) : undefined;
      close(c);
      if (!answer && matchesAny(bindingOf('runs').keys, press)) {
        openRuns(c, snapshot.runId ?? undefined);
        return true;
      }
      answer?.run(c);
      return answer !== undefined || matchesAny(bindingOf('back').keys, press);
    },
    view: {area: 'lower', render: ({snapshot}, _, {width, height}) => <RunSummary run={snapshot} width={width} height={height} />},
  }),
  // The run history: ↑/↓ select, u (or enter) asks to undo the selected run, esc or q closes; the
  // other keys do nothing while it covers the grid.
  overlayLayer('runs', {
    onKey: (press, {runs, selected}, c) => {
      const by = matchesAny(bindingOf('up').keys, press) ? -1 : matchesAny(bindingOf('down').keys, press) ? 1 : 0;
      if (by !== 0) moveSelection(c, by);
      else if (matchesAny([...bindingOf('runs').keys, ...bindingOf('drill').keys], press)) {
        const run = runs?.[selected];
        const off = undoOff(c, run);
        if (off) notify(c, off);
        else patchUi(c, () => ({overlay: {kind: 'confirm', dialog: undoDialog(run!)}}));
      } else if (matchesAny([...bindingOf('back').keys, ...bindingOf('quit').keys], press)) close(c);
      return true;
    },
    view: {area: 'body', render: ({runs, selected, error}, _, {width, height}) => <RunsPane runs={runs} selected={selected} error={error} width={width} height={height} />},
  }),
  {
    // The keymap: an unbound key falls through (nothing below); a disabled one says why.
    id: 'keymap',
    active: () => true,
    onKey: (press, c) => {
      const binding = bindingFor(press);
      if (binding) actOn(binding, c);
      return binding !== undefined;
    },
  },
];

/** Offers the key to each active layer, top first, until one consumes it. */
export function dispatchKey(press: KeyPress, context: KeyContext): Layer | undefined {
  return LAYERS.find((layer) => layer.active(context) && layer.onKey(press, context));
}

/** The layer that draws over the panes now, if any (at most one overlay is open). */
export const viewLayer = (context: KeyContext): Layer | undefined => LAYERS.find((layer) => layer.view && layer.active(context));

/** The footer text of the top active layer that has one, else undefined (the keymap's hints). */
export const footerOverride = (context: KeyContext): string | undefined => LAYERS.find((layer) => layer.footer && layer.active(context))?.footer;
