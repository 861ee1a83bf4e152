// SIGINT/SIGTERM in headless runs: the first asks the run to stop after its in-flight batches
// (the plan stays resumable), a second cancels them. Handlers are removed when the run ends so
// that a later signal gets the previous behaviour again.
export interface SignalActions {
  /** Stop starting batches, let in-flight ones finish, keep the plan for the next run. */
  stop(signal: NodeJS.Signals): void;
  /** Abandon in-flight batches too. */
  cancel(signal: NodeJS.Signals): void;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Installs the handlers; returns the function that removes them. Other listeners of these
 * signals are set aside meanwhile: `when-exit` (loaded by conf's atomic writes) answers any signal
 * by re-sending it to the process, which would read here as the operator's second signal and
 * cancel the run. Its cleanup still runs on the process's normal 'exit'.
 */
export function onStopSignals(actions: SignalActions): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals) => {
    received += 1;
    if (received === 1) actions.stop(signal);
    else actions.cancel(signal);
  };
  const setAside = new Map<NodeJS.Signals, ((...args: unknown[]) => void)[]>();
  for (const signal of SIGNALS) {
    setAside.set(signal, process.rawListeners(signal) as ((...args: unknown[]) => void)[]);
    process.removeAllListeners(signal);
    process.on(signal, handler);
  }
  return () => {
    for (const signal of SIGNALS) {
      process.off(signal, handler);
      for (const listener of setAside.get(signal) ?? []) process.on(signal, listener);
    }
  };
}
