// SIGINT/SIGTERM in headless runs: the first asks the run to stop after its in-flight batches
// (the plan stays resumable), a second cancels them. Handlers are removed when the run ends so
// that a later signal gets Node's default behaviour again.
export interface SignalActions {
  /** Stop starting batches, let in-flight ones finish, keep the plan for the next run. */
  stop(signal: NodeJS.Signals): void;
  /** Abandon in-flight batches too. */
  cancel(signal: NodeJS.Signals): void;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** Installs the handlers; returns the function that removes them. */
export function onStopSignals(actions: SignalActions): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals) => {
    received += 1;
    if (received === 1) actions.stop(signal);
    else actions.cancel(signal);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
}
