// A progress bar for one long task before the console opens (creating the demo warehouse). On a
// terminal it is a small Ink frame; otherwise one line per tenth, so logs stay readable.
import {Box, render, Text} from 'ink';
import {useSyncExternalStore} from 'react';
import {formatDuration} from '../figures.js';
import {truncate} from './format.js';
import {detectCapabilities} from './terminal.js';

/** Reports progress: `done` of `total` units, and optionally what is being done now. */
export type ProgressReporter = (done: number, total: number, label?: string) => void;

interface ProgressState {
  readonly done: number;
  readonly total: number;
  readonly label: string;
}

export function progressBar(state: ProgressState, width: number, unicode: boolean): string {
  const fraction = state.total > 0 ? Math.min(1, state.done / state.total) : 0;
  const filled = Math.round(fraction * width);
  const [full, empty] = unicode ? ['█', '░'] : ['#', '-'];
  return `${full.repeat(filled)}${empty.repeat(width - filled)} ${String(Math.floor(fraction * 100)).padStart(3)}%`;
}

export interface ProgressOptions {
  readonly stdout?: NodeJS.WriteStream;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs `task`, showing its progress under `title`, and resolves with its result (or rejects with
 * its error after the bar is taken down).
 */
export async function showProgress<T>(title: string, task: (report: ProgressReporter) => Promise<T>, options: ProgressOptions = {}): Promise<T> {
  const stdout = options.stdout ?? process.stdout;
  const {unicode, color} = detectCapabilities(options.env ?? process.env);
  const started = Date.now();
  let state: ProgressState = {done: 0, total: 0, label: ''};
  const listeners = new Set<() => void>();

  if (stdout.isTTY !== true) {
    let lastTenth = -1;
    const report: ProgressReporter = (done, total, label = '') => {
      const tenth = total > 0 ? Math.floor((10 * done) / total) : 0;
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stdout.write(`${title}: ${tenth * 10}%${label ? ` ${label}` : ''}\n`);
    };
    const result = await task(report);
    stdout.write(`${title}: done in ${formatDuration((Date.now() - started) / 1000)}\n`);
    return result;
  }

  const store = {
    subscribe: (l: () => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    get: () => state,
  };
  function Progress() {
    const s = useSyncExternalStore(store.subscribe, store.get);
    const width = Math.max(10, Math.min(40, (stdout.columns || 80) - title.length - 8));
    return (
      <Box flexDirection="column">
        <Text>
          {title} <Text color={color ? 'cyan' : undefined}>{progressBar(s, width, unicode)}</Text>
        </Text>
        <Text wrap="truncate">{truncate(s.label, (stdout.columns || 80) - 1)}</Text>
      </Box>
    );
  }
  const instance = render(<Progress />, {stdout, exitOnCtrlC: true, patchConsole: false, maxFps: 15});
  let succeeded = false;
  try {
    const result = await task((done, total, label) => {
      state = {done, total, label: label ?? state.label};
      for (const l of listeners) l();
    });
    succeeded = true;
    return result;
  } finally {
    instance.unmount();
    await instance.waitUntilExit().catch(() => undefined);
    if (succeeded) stdout.write(`${title}: done in ${formatDuration((Date.now() - started) / 1000)}\n`);
  }
}
