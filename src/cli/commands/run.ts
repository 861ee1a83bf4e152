// `backfill run`: plans and runs the backfill; headless it reports as log lines (src/headless).
// An interrupted run of the same warehouse is resumed first, so a cron job that runs the same
// command every night picks up where a crash or a kill left off.
import type {Command} from 'commander';
import type {DateRange} from '../../dates.js';
import {UsageError} from '../../errors.js';
import {MAX_BATCH_SIZE, MAX_WORKERS} from '../../limits.js';
import {finishOnSignals, onSignals, onStopSignals, signalExitCode} from '../../headless/signals.js';
import {printRun, progressIntervalFromEnv} from '../../headless/printer.js';
import {formatRecord, noticeRecord, type LogRecord} from '../../headless/records.js';
import {gameCalendar, gameDates} from '../../queries/coverage.js';
import {estimatePlanCost} from '../../warehouse/bigquery-cost.js';
import {formatPlanCost} from '../../warehouse/cost-format.js';
import {BatchKeeper} from '../../undo/keeper.js';
import {undoPolicy} from '../../undo/policy.js';
import {findInterruptedRun, formatPlan, isRunActive, pausedProcessors, planRun, sameRequest, type LocalRun} from '../../runner/index.js';
import type {SessionServer} from '../../attach/server.js';
import type {LocalSession} from '../../session/local.js';
import {openLocalSession} from '../local-session.js';
import type {RunRequest, RunSnapshot} from '../../runner/types.js';
import {prepareStateDir} from '../../state/dir.js';
import {corruptStateNotice, recoverStateFile} from '../../state/store.js';
import type {Warehouse} from '../../warehouse/types.js';
import type {CliContext} from '../context.js';
import type {CommandModule} from '../main.js';
import {detachRun} from '../background.js';
import {consoleSession, leaveConsole} from '../console-session.js';
import {parsePhase, parsePositiveInt, resolveRange, selectTables} from '../options.js';
import {serveForAttach} from '../serve.js';

export interface RunOptions {
  readonly from?: string;
  readonly to?: string;
  readonly processors?: string;
  readonly phase?: string;
  readonly batchSize?: string;
  readonly workers?: string;
  readonly force?: boolean;
  readonly dryRun?: boolean;
  readonly detach?: boolean;
}

/** Everything that can be checked without the warehouse: bad input fails before anything opens. */
export function requestFrom(context: CliContext, options: RunOptions): {request: RunRequest; clampedFrom?: string} {
  const phase = parsePhase(options.phase);
  const tables = selectTables(options.processors, phase);
  const batchSize = parsePositiveInt(options.batchSize, '--batch-size', MAX_BATCH_SIZE);
  const workers = parsePositiveInt(options.workers, '--workers', MAX_WORKERS);
  const {range, clampedFrom} = resolveRange(options, context);
  const request: RunRequest = {
    range,
    processors: tables.map((t) => t.name),
    ...(options.force ? {force: true} : {}),
    ...(batchSize !== undefined ? {batchSize} : {}),
    ...(workers !== undefined ? {workers} : {}),
  };
  return clampedFrom ? {request, clampedFrom} : {request};
}

/** A range with no game date at all is a mistake (a typo in a year), not an empty success. */
async function requireGameDates(warehouse: Warehouse, range: DateRange): Promise<void> {
  if ((await gameDates(warehouse, range)).length > 0) return;
  const all = await gameCalendar(warehouse, '9999-12-31');
  const held = all.length ? `the schedule has game dates from ${all[0].date} to ${all[all.length - 1].date}` : 'the schedule is empty';
  throw new UsageError(`no game dates between ${range.start} and ${range.end}: ${held}`);
}

/** Runs one LocalRun to its end with the printer and the signal handlers attached. */
async function follow(context: CliContext, handle: LocalRun, onSignal: (signal: NodeJS.Signals) => void = () => {}): Promise<RunSnapshot> {
  const printer = printRun(handle, {
    format: context.logFormat,
    write: context.out,
    progressIntervalMs: progressIntervalFromEnv(context.env),
  });
  const removeHandlers = onStopSignals({
    stop(signal) {
      printer.print(noticeRecord('warn', 'signal', `${signal}: stopping after the batches in flight; the run stays resumable (send it again to cancel them)`));
      onSignal(signal);
      void handle.stop();
    },
    cancel(signal) {
      printer.print(noticeRecord('warn', 'signal', `${signal} again: cancelling the batches in flight`));
      handle.send({type: 'cancel'});
    },
  });
  try {
    return await printer.finished;
  } finally {
    removeHandlers();
  }
}

export function exitCodeOf(snapshot: RunSnapshot): number {
  return snapshot.state === 'completed' ? 0 : 1;
}

/**
 * Bad ranges fail before anything is written: a read-only look at the schedule. Returns the
 * warehouse's key in the state store (where an interrupted run is found).
 */
async function checkRange(context: CliContext, range: DateRange): Promise<string> {
  const warehouse = await context.openWarehouse({readOnly: true});
  try {
    await requireGameDates(warehouse, range);
    return context.warehouse.identity;
  } finally {
    await warehouse.close();
  }
}

/**
 * On a terminal: the console, with the run started in its host (the console only renders it).
 * Exit 0 only when the run completed before the operator left.
 */
async function runInConsole(context: CliContext, request: RunRequest, clampedFrom: string | undefined): Promise<number> {
  await checkRange(context, request.range);
  prepareStateDir(context.stateDir); // the host's log, lock and socket go there
  const session = await consoleSession(context);
  const before = session.getState().run;
  if (!session.owner.control || isRunActive(before)) {
    await session.close('detach');
    throw new UsageError(`a run already holds the warehouse (pid ${session.owner.pid}): watch it with \`backfill attach\``);
  }
  if (clampedFrom) {
    session.announce(`--to ${clampedFrom} is on or after the real-time boundary ${context.boundary}: running through ${request.range.end}`, 'warn');
  }
  // No preview here: the command line asked for this request, so the host plans it at start. A
  // refusal (a run already going) is in the host's log, which the console shows.
  void session.call('start', {request}).catch(() => undefined);
  const {openConsole} = await import('../../ui/index.js');
  const exit = await openConsole(session);
  await leaveConsole(context, session, exit);
  // This command's run, not one the host had finished before it (its start may have been refused).
  const last = session.getState().run;
  return exit !== 'cancel' && last !== null && last.runId !== before?.runId && last.state === 'completed' ? 0 : 1;
}

/**
 * Without a terminal: log lines. The run goes through a local session so that it is also served
 * on the warehouse's socket (`backfill attach` from another SSH session). Signals: before the
 * first run starts, a stop closes what is open and exits 130/143 (nothing was written); during a
 * run, the first stops it resumable and a second cancels (`follow`); once the work has ended,
 * the close (DuckDB's checkpoint) is finished first, and the exit code is the run's.
 */
async function runHeadless(context: CliContext, request: RunRequest, clampedFrom: string | undefined): Promise<number> {
  const log = (level: LogRecord['level'], event: string, message: string) => context.out(formatRecord(noticeRecord(level, event, message), context.logFormat));
  let stopSignal: NodeJS.Signals | null = null;
  let started = false;
  const removeStopHandler = onSignals((signal) => {
    stopSignal ??= signal;
    log('warn', 'signal', started ? `${signal}: stopping; the run stays resumable` : `${signal}: stopping before the run starts; nothing is written`);
  });
  let session: LocalSession | null = null;
  let server: SessionServer | null = null;
  let outcome: string | null = null;
  try {
    const key = await checkRange(context, request.range);
    // A processor paused before this run started (a saved flag) would hold a cron job forever: then
    // the run ends resumable when only paused work is left. A pause sent during the run (from an
    // attached console) waits for its resume instead.
    const savedPauses = pausedProcessors(context.stateDir, key).filter((name) => request.processors.includes(name));
    if (stopSignal) return signalExitCode(stopSignal);
    session = await openLocalSession(context, {stopWhenOnlyPaused: savedPauses.length > 0});
    if (stopSignal) return signalExitCode(stopSignal);
    // The warehouse is open for writing: now the state dir may be created and written.
    prepareStateDir(context.stateDir);
    const recovered = recoverStateFile(context.stateDir);
    if (recovered) log('warn', 'state', recovered);
    if (savedPauses.length) {
      log('warn', 'paused', `${savedPauses.join(', ')} paused by an earlier run: this run ends, resumable, when only their work is left (resume them in the console, or \`backfill attach\`)`);
    }
    const live = session;
    server = await serveForAttach(context, live, (level, message) => log(level, 'attach', message));
    if (clampedFrom) {
      log('warn', 'range-clamped', `--to ${clampedFrom} is on or after the real-time boundary ${context.boundary}: running through ${request.range.end}`);
    }
    if (stopSignal) return signalExitCode(stopSignal);
    const runOne = async (r: RunRequest) => {
      started = true;
      const handle = (await live.startRun(r))!;
      const following = follow(context, handle, (signal) => (stopSignal ??= signal));
      if (stopSignal) void handle.stop(); // the signal came while it was being planned
      const snapshot = await following;
      outcome = snapshot.state;
      return snapshot;
    };
    const interrupted = findInterruptedRun(context.stateDir, key);
    if (interrupted) {
      // The session resumes the interrupted run (its own request) when asked to start.
      log('info', 'resume', `resuming the interrupted run ${interrupted.runId} (${interrupted.request.range.start}..${interrupted.request.range.end})`);
      const resumed = await runOne(interrupted.request);
      if (resumed.state !== 'completed' || sameRequest(interrupted.request, request)) return exitCodeOf(resumed);
      if (stopSignal) return 1; // this request did not start: the next run does it
      log('info', 'resume', 'the interrupted run is complete; now running this request');
    }
    return exitCodeOf(await runOne(request));
  } finally {
    removeStopHandler();
    // Closing checkpoints the warehouse: a signal now must not leave the WAL unchecked.
    const removeFinish = finishOnSignals((signal) =>
      log('warn', 'signal', `${signal}: ${outcome ? `the run has ended (${outcome})` : 'stopping'}; closing the warehouse (checkpoint) before exiting`),
    );
    try {
      await server?.close();
      await session?.close('detach');
    } finally {
      removeFinish();
    }
  }
}

/** The whole `run` command; also what `rollback --rerun` calls. Returns the exit code. */
export async function runBackfill(context: CliContext, options: RunOptions, where: {readonly console?: boolean} = {}): Promise<number> {
  const {request, clampedFrom} = requestFrom(context, options);
  if (options.dryRun) return dryRun(context, request, clampedFrom);
  if (options.detach) {
    await checkRange(context, request.range);
    prepareStateDir(context.stateDir); // its log file goes there
    return detachRun(context);
  }
  if (context.interactive && where.console !== false) return runInConsole(context, request, clampedFrom);
  return runHeadless(context, request, clampedFrom);
}

/** The plan (and the interrupted run that would be resumed first), from a read-only warehouse. */
async function dryRun(context: CliContext, request: RunRequest, clampedFrom: string | undefined): Promise<number> {
  const warehouse = await context.openWarehouse({readOnly: true});
  try {
    await requireGameDates(warehouse, request.range);
    if (clampedFrom) {
      context.out(formatRecord(noticeRecord('warn', 'range-clamped', `--to ${clampedFrom} is on or after the real-time boundary ${context.boundary}: running through ${request.range.end}`), context.logFormat));
    }
    const corrupt = corruptStateNotice(context.stateDir);
    if (corrupt) context.out(formatRecord(noticeRecord('warn', 'state', corrupt), context.logFormat));
    const interrupted = findInterruptedRun(context.stateDir, context.warehouse.identity);
    if (interrupted) {
      context.out(`an interrupted run ${interrupted.runId} (${interrupted.request.range.start}..${interrupted.request.range.end}) would be resumed first`);
    }
    const plan = await planRun({warehouse, config: context.config, boundary: context.boundary, request});
    for (const line of formatPlan(plan)) context.out(line);
    // BigQuery: what the plan would scan and cost, from one dry-run job per processor.
    const keeper = new BatchKeeper(undoPolicy(context.config, warehouse.engine));
    const cost = await estimatePlanCost(warehouse, plan, {companions: (table) => keeper.plannedCompanions(table, warehouse)});
    if (cost) for (const line of formatPlanCost(cost)) context.out(line);
    return 0;
  } finally {
    await warehouse.close();
  }
}

export const runCommand: CommandModule = {
  register(program: Command, run) {
    program
      .command('run')
      .description('plan and run the backfill (resumes an interrupted run first)')
      .option('--from <date>', 'first date (default: the configured start, 2021-11-01)')
      .option('--to <date>', 'last date (default and maximum: the day before the real-time boundary)')
      .option('--processors <list>', 'processors by table or short name, comma-separated (PGS,TDZA)')
      .option('--phase <n>', 'only phase 3 or phase 4 processors')
      .option('--batch-size <n>', 'game dates per batch (default per processor)')
      .option('--workers <n>', 'batches in flight per processor')
      .option('--force', 'rebuild dates that are already covered')
      .option('--dry-run', 'print the plan (batches per processor) and write nothing')
      .option('--detach', 'run in the background, headless, logging to a file; prints the pid, the log and how to attach')
      .action((options: RunOptions) => run((context) => runBackfill(context, options)));
  },
};
