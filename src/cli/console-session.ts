// The console's session: whatever serves this warehouse's socket (a console host, a headless run),
// else a new host started in the background. The console process itself never opens the
// warehouse: it renders and sends intents, so keys stay fast however hard the run works.
import {connectSession, type RemoteSession} from '../attach/client.js';
import {socketForContext} from '../attach/paths.js';
import {isSocketLive} from '../attach/server.js';
import {UsageError} from '../errors.js';
import {processExists} from '../processes.js';
import {isRunActive, isRunFinished} from '../runner/types.js';
import type {ConsoleExit} from '../ui/index.js';
import {resolve} from 'node:path';
import {startInBackground} from './background.js';
import {describeProcess, fileHolder, holderMessage, type FileHolder} from './holder.js';
import type {CliContext} from './context.js';

/** How long leaving waits for the serving process to let go of the warehouse. */
const RELEASE_TIMEOUT_MS = 15_000;
/** Two consoles starting at once: the second's host loses the race for the file; join the first. */
const JOIN_TIMEOUT_MS = 10_000;

export async function consoleSession(context: CliContext): Promise<RemoteSession> {
  const path = socketForContext(context);
  if (!(await isSocketLive(path))) {
    // Said at once when another process holds the file: a host started now could only fail.
    const held = holderOf(context);
    if (held && !servesHere(held, context)) throw new UsageError(holderMessage(context.warehouse.identity, held));
    // A backfill of this state dir holds it without serving yet: another console's host, starting.
    if (!held || !(await servesWithin(path, JOIN_TIMEOUT_MS))) {
      const {failed, log} = await startInBackground(context, [...context.globalArgs, 'host'], 'console');
      if (failed) await refusal(context, failed, log, path);
    }
  }
  return connectSession(path);
}

/** The holder of the DuckDB file, when the kernel says who (Linux); null for BigQuery or when unknown. */
function holderOf(context: CliContext): FileHolder | null {
  return context.warehouse.engine === 'duckdb' ? fileHolder(context.warehouse.path) : null;
}

const servesHere = (holder: FileHolder, context: CliContext) => holder.isBackfill && holder.stateDir !== null && resolve(holder.stateDir) === resolve(context.stateDir);

/**
 * The host exited before serving. Two consoles starting at once: the second's host loses the race
 * for the file to a host of this state dir, and joins it; any other holder is named at once.
 */
async function refusal(context: CliContext, failed: {readonly code: number; readonly reason: string}, log: string, path: string): Promise<void> {
  const pid = /\bpid (\d+)/.exec(failed.reason)?.[1];
  const holder = pid ? describeProcess(Number(pid)) : null;
  if (holder && !servesHere(holder, context)) throw new UsageError(holderMessage(context.warehouse.identity, holder));
  if ((holder || !pid) && (await servesWithin(path, holder ? JOIN_TIMEOUT_MS : 0))) return;
  const reason = failed.reason.replace(/^backfill: /, '').replace(/ \(BACKFILL_DEBUG=1 shows the stack\)$/, '');
  const message = `${reason} (log: ${log})`;
  throw failed.code === 2 ? new UsageError(message) : new Error(message);
}

async function servesWithin(path: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await isSocketLive(path)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function released(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processExists(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * After the console closed: a run left going is named with how to return; otherwise, when this was
 * the last console, wait until the serving process has let go of the warehouse, so the next
 * command can open it.
 */
export async function leaveConsole(context: CliContext, session: RemoteSession, exit: ConsoleExit): Promise<void> {
  const {run, activity} = session.getState();
  const inFlight = isRunActive(run);
  const {pid, control} = session.owner;
  if (session.lostConnection && !processExists(pid)) {
    context.err(`the process that held the warehouse (pid ${pid}) is gone; \`backfill\` offers to resume what it left unfinished`);
    return;
  }
  if (inFlight && exit !== 'cancel') {
    context.out(`detached; the run (pid ${pid}) goes on: \`backfill attach\` (or \`backfill\`) to return`);
    return;
  }
  const lastConsole = session.otherConsoles === 0;
  const willExit = lastConsole && (control ? activity === null : exit === 'cancel');
  if (willExit && !(await released(pid, RELEASE_TIMEOUT_MS))) {
    context.err(`the process holding the warehouse (pid ${pid}) has not exited yet; it will once its work stops`);
  }
  if (run && isRunFinished(run)) {
    context.out(`the run ${run.runId} ended: ${run.state}, ${run.totals.datesDone}/${run.totals.datesTotal} dates, ${run.totals.rowsWritten} rows`);
    context.out('check it with `backfill validate`');
  }
}
