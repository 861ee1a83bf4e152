// `backfill host` (internal, not in --help): the process that owns the warehouse for consoles.
// `backfill` starts it in the background and renders it over the socket, so the runner's work
// (DuckDB's memory, result conversion, state writes) never competes with keystrokes, and a run
// outlives its console: an SSH drop or `q`, `d` leaves it going and `backfill` rejoins it. It ends
// once no console is connected and nothing is in flight; its log lines go to the state dir.
import {getPriority, setPriority} from 'node:os';
import {eventRecord, formatRecord, noticeRecord} from '../../headless/records.js';
import {onStopSignals} from '../../headless/signals.js';
import type {RunSnapshot} from '../../runner/types.js';
import type {LocalSession} from '../../session/local.js';
import {recoverStateFile} from '../../state/store.js';
import {describeRef} from '../../warehouse/ref.js';
import {openLocalSession} from '../local-session.js';
import {command} from '../command.js';
import type {CliContext} from '../context.js';
import {serveForAttach} from '../serve.js';
import {notifierFor} from '../notify.js';

/** How often the host checks whether it is still needed. */
const IDLE_CHECK_MS = 250;
/** Unneeded for this long (no console, nothing in flight): it exits. */
const IDLE_EXIT_MS = 500;
/** A host nobody connected to (the console died while starting) waits this long for one. */
const FIRST_CLIENT_GRACE_MS = 30_000;

/** True while the host has work or a console. */
function hostNeeded(session: LocalSession, clients: number): boolean {
  return clients > 0 || session.busy || session.getState().activity !== null;
}

/** A run that only waits for a resume: some processor paused, no batch in flight. */
function onlyPausedWorkLeft(run: RunSnapshot | null): boolean {
  return run?.state === 'running' && run.processors.some((p) => p.paused) && run.processors.every((p) => p.running.length === 0);
}

/** The host's niceness above the console's: on a busy machine the keys win over the batches. */
const HOST_NICENESS = 10;

/** Lower this process's CPU priority; a machine that forbids it just keeps the default. */
function yieldCpuToConsoles(): void {
  try {
    setPriority(Math.min(19, getPriority() + HOST_NICENESS));
  } catch {
    // not permitted here: the console stays responsive, only less so under load
  }
}

export async function host(context: CliContext): Promise<number> {
  yieldCpuToConsoles();
  const log = (level: 'info' | 'warn' | 'error', event: string, message: string) => context.out(formatRecord(noticeRecord(level, event, message), context.logFormat));
  const session = await openLocalSession(context);
  const notifier = notifierFor(context, (message) => log('warn', 'notify', message));
  session.subscribeEvents((event) => {
    const record = eventRecord(event);
    if (record) context.out(formatRecord(record, context.logFormat));
    notifier?.event(event);
  });
  const recovered = recoverStateFile(context.stateDir); // a corrupt state file must not stop the console
  if (recovered) session.announce(recovered, 'warn');
  const server = await serveForAttach(context, session, (level, message) => session.announce(message, level), true);
  if (!server) {
    await session.close('detach');
    return 1;
  }
  log('info', 'host', `serving ${describeRef(context.warehouse)} for consoles (pid ${process.pid})`);
  // Detached from any terminal, but a SIGHUP sent by hand must not kill a run mid-batch.
  process.on('SIGHUP', () => log('warn', 'signal', 'SIGHUP ignored: stop the host with SIGTERM (resumable)'));

  let stopping = false;
  const removeSignals = onStopSignals({
    stop(signal) {
      log('warn', 'signal', `${signal}: stopping after the batches in flight; the run stays resumable`);
      stopping = true;
    },
    cancel(signal) {
      log('warn', 'signal', `${signal} again: cancelling the batches in flight`);
      void session.call('intent', {intent: {type: 'cancel'}});
    },
  });
  let idle = false;
  try {
    const started = Date.now();
    let hadClient = false;
    let idleSince: number | null = null;
    let heldSince: number | null = null;
    while (!stopping) {
      await new Promise((resolve) => setTimeout(resolve, IDLE_CHECK_MS));
      const clients = server.clients();
      hadClient ||= clients > 0;
      // Paused work and nobody to resume it: keep it for the next run instead of holding the
      // warehouse for ever (the paused flags stay, so the next run holds the same processors).
      if (clients === 0 && onlyPausedWorkLeft(session.getState().run)) {
        heldSince ??= Date.now();
        if (Date.now() - heldSince >= IDLE_EXIT_MS) {
          log('warn', 'host', 'only paused work is left and no console is connected: the run stops here, resumable');
          await session.stopRun();
          heldSince = null;
        }
      } else heldSince = null;
      if (hostNeeded(session, clients) || (!hadClient && Date.now() - started < FIRST_CLIENT_GRACE_MS)) {
        idleSince = null;
        continue;
      }
      idleSince ??= Date.now();
      if (Date.now() - idleSince >= IDLE_EXIT_MS) {
        idle = true;
        break;
      }
    }
    return 0;
  } finally {
    if (idle) {
      // Stop taking consoles first: one that connects now would reach a closing warehouse.
      await server.close();
      await session.close('detach');
    } else {
      // A signal: a run in flight stops resumable, then consoles get its final state.
      await session.close('detach');
      await server.close();
    }
    removeSignals();
    await notifier?.drain();
    log('info', 'host', 'stopped');
  }
}

export const hostCommand = command({
  name: 'host',
  description: 'serve the warehouse to consoles (started by `backfill`; not for direct use)',
  hidden: true,
  run: host,
});
