// SIGINT and SIGTERM, from the first line of the program to its exit. bin/backfill.js installs the
// one listener before the heavy imports (ink, react, duckdb take ~0.3 s), so a signal is never met
// by Node's default (a silent exit 130/143). What a signal means depends on what the command is
// doing, a stack of handlers with this default at the bottom:
// - by default (loading, checking, or a command without handlers of its own): one line, exit
//   128 + n (130 for SIGINT, 143 for SIGTERM);
// - a run (`onStopSignals`): the first stops it after the batches in flight (resumable), a
//   second cancels them;
// - once the work is complete (`finishOnSignals`): the close goes on (DuckDB's checkpoint), one
//   line says so, and the command exits with its own code.
// Other listeners of these signals are set aside as soon as they are added: `when-exit` (loaded
// with conf's atomic writes) and `signal-exit` (execa) answer a signal by re-sending it to the
// process, which would read here as the operator's second signal, or kill a close half-way.
// Their cleanup still runs: both also hook the process's 'exit', which process.exit() emits.
// This module imports nothing, so the launcher can load it first.

type Handler = (signal: NodeJS.Signals, received: number) => void;

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
const NUMBERS: Readonly<Record<string, number>> = {SIGINT: 2, SIGTERM: 15};

/** The exit code a shell reports for a process ended by this signal (128 + its number). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (NUMBERS[signal] ?? 1);
}

let startedWork = false;

/** The bottom of the stack: say what happened in one line and end now. */
function exitNow(signal: NodeJS.Signals): void {
  const when = startedWork ? '' : ' before anything was written';
  process.stderr.write(`backfill: stopped by ${signal}${when}\n`);
  process.exit(signalExitCode(signal));
}

const stack: Handler[] = [];
/** Signals each handler got so far (a handler's first signal is 1). */
const received = new WeakMap<Handler, number>();
let installed = false;

function dispatch(signal: NodeJS.Signals): void {
  const handler = stack.at(-1);
  if (!handler) {
    exitNow(signal);
    return;
  }
  const count = (received.get(handler) ?? 0) + 1;
  received.set(handler, count);
  handler(signal, count);
}

/** Another module's listener of a stop signal leaves once it is added (see the header). */
function setAsideOthers(event: string | symbol, listener: (...args: unknown[]) => void): void {
  if (!SIGNALS.includes(event as NodeJS.Signals) || listener === (dispatch as unknown)) return;
  // 'newListener' fires before the listener is added: take it off right after.
  process.nextTick(() => process.off(event as NodeJS.Signals, listener));
}

/** Installs the one listener; idempotent. bin/backfill.js calls it before anything else loads. */
export function installSignalHandling(): void {
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) {
    for (const listener of process.rawListeners(signal)) process.off(signal, listener as (...args: unknown[]) => void);
    process.on(signal, dispatch);
  }
  process.on('newListener', setAsideOthers);
}

/**
 * The command has started its work (main.ts, once the command line and the config are read):
 * from now on a default stop no longer claims that nothing was written.
 */
export function markWorkStarted(): void {
  startedWork = true;
}

/**
 * `handler` answers stop signals until the returned function is called; `received` counts the
 * signals it got (1 for the first). Handlers nest: removing one gives the previous one back.
 */
export function onSignals(handler: Handler): () => void {
  installSignalHandling();
  // Each push is its own entry, so the same function pushed twice is removed once per call.
  const entry: Handler = (signal, count) => handler(signal, count);
  stack.push(entry);
  return () => {
    const at = stack.lastIndexOf(entry);
    if (at >= 0) stack.splice(at, 1);
  };
}

export interface SignalActions {
  /** Stop starting batches, let in-flight ones finish, keep the plan for the next run. */
  stop(signal: NodeJS.Signals): void;
  /** Abandon in-flight batches too. */
  cancel(signal: NodeJS.Signals): void;
}

/** A run's handlers: the first signal stops it (resumable), any later one cancels. */
export function onStopSignals(actions: SignalActions): () => void {
  return onSignals((signal, received) => (received === 1 ? actions.stop(signal) : actions.cancel(signal)));
}

/**
 * The work is complete and the command is closing (checkpoint, sockets): a signal must not cut
 * that short. `say` is told about the first signal; later ones change nothing either (kill -9
 * remains for an operator who really means it).
 */
export function finishOnSignals(say: (signal: NodeJS.Signals) => void): () => void {
  return onSignals((signal, received) => {
    if (received === 1) say(signal);
  });
}
