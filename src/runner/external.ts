// External processors (SPEC §3): a configured command instead of SQL, e.g. the seed's
// `python3 .../player_game_summary_backfill.py --start-date {start} --end-date {end}`.
// Run without a shell in its own process group, so that pause (SIGSTOP) and cancel reach its
// children too; its output is streamed line by line.
import {createInterface} from 'node:readline';
import {clipped} from '../quote.js';
import type {Readable} from 'node:stream';
import {execa} from 'execa';
import type {IsoDate} from '../dates.js';
import type {ClassifiedError} from '../warehouse/errors.js';

/** How long a cancelled external command gets to exit after SIGTERM before SIGKILL. */
export const KILL_GRACE_MS = 5_000;

export interface ExternalRun {
  pause(): void;
  resume(): void;
  /** Terminates the process group (also when it is stopped). */
  kill(): void;
  /** Resolves on exit 0; rejects (permanent) on a non-zero exit, a signal or a spawn failure. */
  readonly done: Promise<void>;
}

export interface ExternalOptions {
  readonly template: readonly string[];
  readonly start: IsoDate;
  readonly end: IsoDate;
  readonly env: Readonly<Record<string, string>>;
  readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void;
}

/** `{start}` and `{end}` replaced in every argument; nothing else is interpreted. */
export function expandCommand(template: readonly string[], start: IsoDate, end: IsoDate): string[] {
  return template.map((arg) => arg.replaceAll('{start}', start).replaceAll('{end}', end));
}

function permanent(message: string): ClassifiedError {
  return Object.assign(new Error(message), {retryKind: 'permanent' as const});
}

/** A line of a command's output longer than this is cut in the log. */
export const OUTPUT_LINE_MAX = 2000;

export function runExternal(options: ExternalOptions): ExternalRun {
  const [file, ...args] = expandCommand(options.template, options.start, options.end);
  const child = execa(file, args, {
    detached: true,
    reject: false,
    stdin: 'ignore',
    buffer: false,
    env: options.env,
    extendEnv: true,
  });
  const lastErr: string[] = [];
  const follow = (stream: Readable | null, name: 'stdout' | 'stderr') => {
    if (!stream) return Promise.resolve();
    const lines = createInterface({input: stream, crlfDelay: Infinity});
    lines.on('line', (raw) => {
      // Someone else's bytes: cut and made printable before they reach a terminal or a log.
      const line = clipped(raw, OUTPUT_LINE_MAX);
      if (name === 'stderr') lastErr.splice(0, lastErr.length, line);
      options.onLine(name, line);
    });
    return new Promise<void>((resolve) => lines.once('close', () => resolve()));
  };
  const streams = Promise.all([follow(child.stdout, 'stdout'), follow(child.stderr, 'stderr')]);
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone
    }
  };
  const done = (async () => {
    const result = await child;
    await streams;
    const command = [file, ...args].join(' ');
    if (result.failed && result.exitCode === undefined && !result.signal) {
      throw permanent(`cannot run ${command}: ${result.originalMessage ?? result.shortMessage}`);
    }
    if (result.signal) throw permanent(`${command} was stopped by ${result.signal}`);
    if (result.exitCode !== 0) {
      throw permanent(`${command} exited with code ${result.exitCode}${lastErr[0] ? `: ${lastErr[0]}` : ''}`);
    }
  })();
  return {
    pause: () => signalGroup('SIGSTOP'),
    resume: () => signalGroup('SIGCONT'),
    kill() {
      signalGroup('SIGTERM');
      signalGroup('SIGCONT'); // a stopped process only handles SIGTERM once continued
      // A command that ignores SIGTERM must not hold a cancel (and the console's exit) forever.
      const force = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
      force.unref();
      void done.catch(() => undefined).finally(() => clearTimeout(force));
    },
    done,
  };
}
