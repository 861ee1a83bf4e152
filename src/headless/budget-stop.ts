// A headless run the budget paused: it waits for a resume while a console is attached (`backfill
// attach` can resume it, R), and once none is, it stops, resumable, as a console's host does with
// paused work nobody can resume. The paused flags stay saved, so the next `run` holds the same
// processors until an operator resumes them in the console: a nightly cron job does not spend
// past the budget by itself.
import type {RunHandle, RunSnapshot} from '../runner/types.js';

/** How often a budget-paused run checks whether someone could still resume it. */
const CHECK_MS = 250;

export interface StoppableRun extends RunHandle {
  stop(): Promise<RunSnapshot>;
}

/** Only paused work is left: a processor paused and no batch in flight (what the host's check says too). */
function onlyPausedWorkLeft(run: RunSnapshot): boolean {
  return run.state === 'running' && run.processors.some((p) => p.paused) && run.processors.every((p) => p.running.length === 0);
}

/** Watches `run` for the budget pause; returns the unsubscribe (also done when the run ends). */
export function stopWhenBudgetPausedAlone(run: StoppableRun, clients: () => number, say: (message: string) => void): () => void {
  let timer: NodeJS.Timeout | null = null;
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  const check = () => {
    const snapshot = run.getSnapshot();
    if (!snapshot.processors.some((p) => p.paused) || snapshot.state !== 'running') return clear(); // resumed, or over
    if (clients() > 0 || !onlyPausedWorkLeft(snapshot)) return;
    clear();
    say('the budget paused the run and no console is attached to resume it: it stops here, resumable (resume it from the console: `backfill`, then R)');
    void run.stop();
  };
  const unsubscribe = run.subscribe((event) => {
    if (event.type !== 'budget-paused' || timer) return;
    timer = setInterval(check, CHECK_MS);
  });
  void run.finished.finally(() => {
    clear();
    unsubscribe();
  });
  return () => {
    clear();
    unsubscribe();
  };
}
