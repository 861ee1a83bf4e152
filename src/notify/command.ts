// `--notify CMD` (config `notify.command`, an argv list): for each notification, the command runs
// without a shell and reads the notification as one JSON line on its stdin. It is the operator's
// hook, never the run's: a command that fails, hangs (killed after NOTIFY_TIMEOUT_MS) or is
// missing is logged in one line and the run goes on; a process about to exit waits for the
// commands still running (drain), so the last one, run-finished, is delivered.
import {execa} from 'execa';
import {clipped} from '../quote.js';
import type {RunEvent} from '../runner/types.js';
import {NOTIFYING, notificationFor, notificationLine} from './notification.js';

export const NOTIFY_TIMEOUT_MS = 30_000;

export interface CommandNotifier {
  /** Notifies for this event if it is one that notifies. */
  event(event: RunEvent): void;
  /** Resolves once every command started so far has ended. */
  drain(): Promise<void>;
}

export function commandNotifier(argv: readonly string[], warehouse: string, log: (message: string) => void): CommandNotifier {
  const running = new Set<Promise<void>>();
  const [file, ...args] = argv;
  const notify = (line: string, what: string) => {
    const done = execa(file, args, {input: line, reject: false, timeout: NOTIFY_TIMEOUT_MS, stdout: 'ignore', stderr: 'pipe', forceKillAfterDelay: 2000}).then((result) => {
      if (result.failed) {
        const why = result.timedOut ? `did not finish in ${NOTIFY_TIMEOUT_MS / 1000}s` : result.exitCode !== undefined ? `exited with code ${result.exitCode}` : (result.originalMessage ?? result.shortMessage);
        const said = String(result.stderr ?? '').trim().split('\n').at(-1);
        log(`the notify command ${clipped(argv.join(' '))} failed on ${what}: ${clipped(String(why), 200)}${said ? `: ${clipped(said, 200)}` : ''}; the run goes on`);
      }
    });
    const tracked = done.finally(() => running.delete(tracked));
    running.add(tracked);
  };
  return {
    event(event) {
      if (!NOTIFYING.has(event.type)) return;
      const notification = notificationFor(event, warehouse);
      if (notification) notify(notificationLine(notification), notification.event);
    },
    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
