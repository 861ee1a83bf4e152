// The console's frame: status bar, the grid (or a month's days), processors and job log (or the
// open overlay's view in their place, drawn by its layer), and the footer. Never taller than the
// terminal.
import {Box, Text} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {DERIVED_TABLES} from '../../catalog/index.js';
import {buildGrid} from '../coverage-grid.js';
import {useFailures, useSessionFields, useStores} from '../console-stores.js';
import {truncate} from '../format.js';
import {isRunActive} from '../../runner/types.js';
import {keyContext, selectionReader, type ConsoleExit, type KeyEnvironment} from '../key-context.js';
import {footerOverride, viewLayer} from '../layers.js';
import {computeLayout, TOP_HEIGHT} from '../layout.js';
import {useTerminalSize} from '../terminal-size.js';
import {useTheme} from '../theme.js';
import {initialUiState, type UiState} from '../ui-state.js';
import {useConsoleKeys} from '../use-console-keys.js';
import {CoverageGrid} from './CoverageGrid.js';
import {Footer} from './Footer.js';
import {JobLog} from './JobLog.js';
import {MonthDays} from './MonthDays.js';
import {ProcessorsPane} from './Processors.js';
import {StatusBar} from './StatusBar.js';
import {TooSmall} from './TooSmall.js';
import {Unavailable} from './Unavailable.js';

export interface ConsoleAppProps {
  /** Called once, after the session was closed (or at once on a second Ctrl+C). */
  readonly onExit: (result: ConsoleExit) => void;
}

export function ConsoleApp({onExit}: ConsoleAppProps) {
  const stores = useStores();
  const {session} = stores;
  const theme = useTheme();
  const {columns, rows} = useTerminalSize();
  const {coverage, run, validation, boundary, warehouse, unavailable} = useSessionFields('coverage', 'run', 'validation', 'boundary', 'warehouse', 'unavailable');
  const failures = useFailures();
  const [ui, setUiState] = useState<UiState>(initialUiState);
  // Key handlers read and write through this ref, so several keys in one input chunk each see the
  // state the previous one left (React state would only change at the next render).
  const uiRef = useRef(ui);
  const setUi = useCallback((update: (ui: UiState) => UiState) => {
    uiRef.current = update(uiRef.current);
    setUiState(uiRef.current);
  }, []);

  const model = useMemo(
    () => (coverage ? buildGrid({coverage, run, failures, validation, boundary}) : null),
    [coverage, run, failures, validation, boundary],
  );
  const layout = computeLayout(columns, rows, ui.focus, run?.processors.filter((p) => p.status !== 'idle').length);
  // The last column is left empty: a line that fills it puts the terminal in its pending-wrap state,
  // and some terminals then count the newline twice, shifting every later line of the frame.
  const width = Math.max(1, columns - 1);

  const exited = useRef(false);
  const exit = useCallback(
    (result: ConsoleExit) => {
      if (exited.current) return;
      exited.current = true;
      onExit(result);
    },
    [onExit],
  );
  const quit = useCallback(
    (mode: 'detach' | 'cancel', result: ConsoleExit) => {
      const message =
        result === 'quit' ? 'Closing' : mode === 'cancel' ? 'Cancelling the run' : 'Detaching: the run goes on, `backfill` rejoins it';
      setUi((u) => ({...u, overlay: {kind: 'closing', message: `${message}... (Ctrl+C again quits at once)`}}));
      session.close(mode).then(
        () => exit(result),
        () => exit(result),
      );
    },
    [session, exit],
  );

  // A run that ends shows its summary and offers validation.
  useEffect(
    () =>
      stores.onRunFinished((event) =>
        setUi((u) => (u.overlay === null || u.overlay.kind === 'validation' ? {...u, overlay: {kind: 'summary', snapshot: event.snapshot}} : u)),
      ),
    [stores],
  );

  // The report the operator asked for opens its pane when it arrives.
  const seenValidation = useRef(validation);
  useEffect(() => {
    if (validation === seenValidation.current) return;
    seenValidation.current = validation;
    if (validation) setUi((u) => (u.awaitingValidation && (u.overlay === null || u.overlay.kind === 'summary') ? {...u, awaitingValidation: false, overlay: {kind: 'validation'}, overlayScroll: 0} : u));
  }, [validation]);

  const months = model?.months ?? [];
  const selectionFor = useMemo(() => selectionReader(model, coverage?.range.start ?? null, boundary), [model, coverage, boundary]);

  const keys: KeyEnvironment = {
    session,
    getUi: () => uiRef.current,
    setUi,
    model,
    run,
    validation,
    selectionOf: selectionFor,
    logLines: stores.log.getSnapshot,
    logPage: Math.max(1, layout.logLines),
    quit,
    forceExit: () => exit(isRunActive(run) ? 'detach' : 'quit'),
  };
  useConsoleKeys(keys);

  if (layout.tooSmall) return <TooSmall columns={columns} rows={rows} />;

  // This frame's footer and overlay judge the context a key would get now.
  const context = keyContext({...keys, getUi: () => ui});
  const {selection} = context;
  const monthRange: [number, number] | null = ui.months
    ? [Math.min(ui.months.anchor, ui.months.end ?? ui.col), Math.max(ui.months.anchor, ui.months.end ?? ui.col)]
    : null;

  let top;
  if (!model) {
    top = unavailable ? null : <Text>{truncate(`Reading coverage from ${warehouse}...`, width, theme.ellipsis)}</Text>;
  } else if (ui.view === 'drill') {
    top = <MonthDays model={model} month={months[ui.col]} row={ui.row} day={ui.day} width={width} />;
  } else {
    const label = selection ? `${selection.label}${selection.explicit ? '' : ' (cursor)'}: ${selection.range.start}..${selection.range.end}` : '-';
    top = <CoverageGrid model={model} row={ui.row} col={ui.col} width={width} focused={ui.focus === 'grid'} marks={ui.marks} monthRange={monthRange} selectionLabel={label} />;
  }

  const view = viewLayer(context)?.view;
  const body = view?.area === 'body' ? view.render(context, {width, height: layout.bodyHeight}) : null;
  const lower = (view?.area === 'lower' ? view.render(context, {width, height: layout.lowerHeight}) : null) ?? (unavailable ? <Unavailable message={unavailable} width={width} /> : null) ?? (
    <>
      <ProcessorsPane lines={layout.processorLines} width={width} selected={model?.rows[ui.row]?.table.name ?? DERIVED_TABLES[0].name} />
      <JobLog lines={layout.logLines} width={width} filter={ui.filter} editingFilter={ui.editingFilter} anchor={ui.logAnchor} focused={ui.focus === 'log'} />
    </>
  );

  return (
    <Box flexDirection="column" width={width} height={layout.frameHeight} overflow="hidden">
      <StatusBar width={width} />
      {body ?? (
        <>
          <Box height={TOP_HEIGHT} flexDirection="column" overflow="hidden">
            {top}
          </Box>
          <Box height={layout.lowerHeight} flexDirection="column" overflow="hidden">
            {lower}
          </Box>
        </>
      )}
      <Footer context={context} width={width} override={footerOverride(context)} />
    </Box>
  );
}
