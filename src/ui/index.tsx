// The console's entry points for the command line:
//   openConsole(session, options) → resolves 'quit' | 'detach' | 'cancel' once the operator left;
//     it has already called session.close(mode) ('detach' for quit and detach, 'cancel' for cancel).
//   showProgress(title, task) → runs a long task behind a progress bar (creating the demo).
import {render, useApp} from 'ink';
import {useCallback, useEffect, type ReactNode} from 'react';
import type {Session} from '../session/types.js';
import {ConsoleApp} from './components/App.js';
import {ConsoleStores, StoresContext} from './console-stores.js';
import {detectCapabilities} from './terminal.js';
import {createTheme, ThemeContext, type Theme} from './theme.js';
import {terminalNotifyEnabled} from '../notify/terminal.js';
import {useTerminalAlerts} from './use-terminal-alerts.js';
import type {ConsoleExit} from './use-console-keys.js';

export type {ConsoleExit} from './use-console-keys.js';
export {showProgress, type ProgressReporter, type ProgressOptions} from './progress.js';

export interface ConsoleOptions {
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  readonly stderr?: NodeJS.WriteStream;
  /** Where NO_COLOR and the locale are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Frames per second at most (default 30). Ink holds every frame to this cap, a key's included,
   * so a low cap is felt as key latency; the run's updates are coalesced upstream (10 a second),
   * which is what keeps the frame rate, and the bytes over SSH, low.
   */
  readonly maxFps?: number;
  /** Draw on the terminal's alternate screen, restoring the shell's screen on exit (default: on a TTY). */
  readonly alternateScreen?: boolean;
  /** Job log lines kept (default 1000). */
  readonly logLines?: number;
  /** The console leaves by itself ('quit') once this settles (its session could not be reached). */
  readonly closeWhen?: Promise<unknown>;
  /** Ring the terminal (bell, OSC 9) when a run ends or a batch fails (default: unless BACKFILL_NO_NOTIFY). */
  readonly alerts?: boolean;
}

/** The providers every pane needs: the stores fed by the session and the theme. */
export function ConsoleProviders({stores, theme, children}: {readonly stores: ConsoleStores; readonly theme: Theme; readonly children: ReactNode}) {
  return (
    <StoresContext.Provider value={stores}>
      <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>
    </StoresContext.Provider>
  );
}

function Root({stores, theme, closeWhen, alerts}: {readonly stores: ConsoleStores; readonly theme: Theme; readonly closeWhen?: Promise<unknown>; readonly alerts: boolean}) {
  const {exit} = useApp();
  useTerminalAlerts(stores.session, alerts);
  // The one exit point: the render instance resolves waitUntilExit with the result.
  const onExit = useCallback((result: ConsoleExit) => exit(result), [exit]);
  useEffect(() => {
    let live = true;
    void closeWhen?.then(() => live && onExit('quit'));
    return () => {
      live = false;
    };
  }, [closeWhen, onExit]);
  return (
    <ConsoleProviders stores={stores} theme={theme}>
      <ConsoleApp onExit={onExit} />
    </ConsoleProviders>
  );
}

/**
 * Opens the console on `session` and resolves when the operator leaves it. Must be given a
 * terminal (the CLI runs headless otherwise). The session is closed before this resolves.
 */
export async function openConsole(session: Session, options: ConsoleOptions = {}): Promise<ConsoleExit> {
  const stdout = options.stdout ?? process.stdout;
  const theme = createTheme(detectCapabilities(options.env ?? process.env));
  const stores = new ConsoleStores(session, {log: {capacity: options.logLines ?? 1000}});
  const alternate = options.alternateScreen ?? stdout.isTTY === true;
  if (alternate) stdout.write('\x1b[?1049h\x1b[H');
  const alerts = options.alerts ?? terminalNotifyEnabled(options.env ?? process.env, undefined);
  const instance = render(<Root stores={stores} theme={theme} alerts={alerts} {...(options.closeWhen ? {closeWhen: options.closeWhen} : {})} />, {
    stdout,
    stdin: options.stdin ?? process.stdin,
    stderr: options.stderr ?? process.stderr,
    exitOnCtrlC: false,
    patchConsole: true,
    maxFps: options.maxFps ?? 30,
    // Ink 6.8's incrementalRendering leaves stale and doubled lines in tmux: tried, measured, off.
    incrementalRendering: false,
  });
  try {
    return (await instance.waitUntilExit()) as ConsoleExit;
  } finally {
    stores.dispose();
    if (alternate) stdout.write('\x1b[?1049l');
  }
}
