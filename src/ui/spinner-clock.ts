// One clock for every spinner on screen. A spinner per processor (ink-spinner keeps a timer each)
// made a React commit, and an Ink layout pass, per spinner per tick; one shared tick makes one.
import {useSyncExternalStore} from 'react';

export const SPINNER_FRAMES = {
  dots: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'],
  line: ['-', '\\', '|', '/'],
} as const;

// Slow enough to add few frames to the run's own updates (10 a second), fast enough to look alive.
const TICK_MS = 250;
const listeners = new Set<() => void>();
let tick = 0;
let timer: NodeJS.Timeout | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    tick++;
    for (const l of listeners) l();
  }, TICK_MS);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The current frame of the shared spinner; the clock runs only while a spinner is shown. */
export function useSpinnerFrame(kind: keyof typeof SPINNER_FRAMES): string {
  const frames = SPINNER_FRAMES[kind];
  return frames[useSyncExternalStore(subscribe, () => tick) % frames.length];
}
