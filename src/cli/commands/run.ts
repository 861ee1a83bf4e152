// `backfill run`: plans and runs the backfill; headless it reports as log lines (src/headless).
// An interrupted run of the same warehouse is resumed first, so a cron job that runs the same
// command every night picks up where a crash or a kill left off.
import {Option} from 'commander';
import type {DateRange} from '../../dates.js';
import {UsageError} from '../../errors.js';
import {MAX_BATCH_SIZE, MAX_WORKERS, RUN_ORDERS, type RunOrder} from '../../limits.js';
import {stopWhenBudgetPausedAlone} from '../../headless/budget-stop.js';
import {finishOnSignals, onSignals, onStopSignals, signalExitCode} from '../../headless/signals.js';
import {printRun, progressIntervalFromEnv} from '../../headless/printer.js';
import {formatRecord, noticeRecord, type LogRecord} from '../../headless/records.js';
import {gameCalendar, gameDates} from '../../queries/coverage.js';
import {formatPlanCost} from '../../warehouse/cost-format.js';
import {checkBudget, checkRequestBudget, estimateDuration, estimateRunCost, estimateLines, findInterruptedRun, formatBudget, formatPlan, isRunActive, pastRates, pausedProcessors, planRun, REPROCESS_MODES, runHistory, sameRequest, type LocalRun} from '../../runner/index.js';
import {parseSize} from '../../warehouse/sizes.js';
import {refuseOnDuckDb} from '../bigquery-options.js';
import {formatDuration} from '../../figures.js';
import {quoted} from '../../quote.js';
import {readAttempts} from '../../state/attempts.js';
import type {SessionServer} from '../../attach/server.js';
import type {LocalSession} from '../../session/local.js';
import {openLocalSession} from '../local-session.js';
import type {ReprocessMode, RunRequest, RunSnapshot} from '../../runner/types.js';
import {prepareStateDir} from '../../state/dir.js';
import {corruptStateNotice, recoverStateFile} from '../../state/store.js';
import type {Warehouse} from '../../warehouse/types.js';
import {command} from '../command.js';
import type {CliContext} from '../context.js';
import {loadConsoleUi} from '../console-ui.js';
import {detachRun} from '../background.js';
import {consoleSession, leaveConsole} from '../console-session.js';
import {parsePhase, parsePositiveInt, resolveRange, selectTables} from '../options.js';
import {serveForAttach} from '../serve.js';
import {notifierFor} from '../notify.js';
import type {CommandNotifier} from '../../notify/command.js';

export interface RunOptions {
  readonly from?: string;
  readonly to?: string;
  readonly processors?: string;
  readonly phase?: string;
  readonly batchSize?: string;
  readonly workers?: string;
  readonly force?: boolean;
  readonly reprocess?: string;
  readonly stale?: boolean;
  /** commander's `--no-cascade`: false when given. */
  readonly cascade?: boolean;
  readonly dryRun?: boolean;
  readonly detach?: boolean;
  readonly budget?: string;
  readonly order?: RunOrder;
}

/** `--reprocess MODE`, with `--force` (all) and `--stale` (stale) as its shorthands; a contradiction is bad input. */
export function reprocessFrom(options: Pick<RunOptions, 'reprocess' | 'stale' | 'force'>): ReprocessMode {
  let mode: ReprocessMode | undefined;
  if (options.reprocess !== undefined) {
    const given = options.reprocess.trim() as ReprocessMode;
    if (!REPROCESS_MODES.includes(given)) throw new UsageError(`--reprocess ${quoted(options.reprocess)} must be one of ${REPROCESS_MODES.join(', ')}`);
    mode = given;
  }
  for (const [flag, implies] of [['--stale', 'stale'], ['--force', 'all']] as const) {
    if (!(flag === '--stale' ? options.stale : options.force)) continue;
    if (mode !== undefined && mode !== implies) throw new UsageError(`${flag} means --reprocess ${implies}: it cannot be combined with --reprocess ${mode}`);
    mode = implies;
  }
  return mode ?? 'missing';
}

/** Everything that can be checked without the warehouse: bad input fails before anything opens. */
export function requestFrom(context: CliContext, options: RunOptions): {request: RunRequest; clampedFrom?: string} {
  const phase = parsePhase(options.phase);
  const tables = selectTables(options.processors, phase);
  const batchSize = parsePositiveInt(options.batchSize, '--batch-size', MAX_BATCH_SIZE);
  const workers = parsePositiveInt(options.workers, '--workers', MAX_WORKERS);
  const budget = options.budget !== undefined ? parseSize(options.budget, '--budget') : undefined;
  if (budget !== undefined && context.warehouse.engine === 'duckdb') throw refuseOnDuckDb('--budget');
  const mode = reprocessFrom(options);
  const {range, clampedFrom} = resolveRange(options, context);
  const request: RunRequest = {
    range,
    processors: tables.map((t) => t.name),
    // `all` stays `force` in the request: what state files and scripts of before carry.
    ...(mode === 'all' ? {force: true} : mode !== 'missing' ? {reprocess: mode} : {}),
    ...(options.cascade === false ? {cascade: false} : {}),
    ...(batchSize !== undefined ? {batchSize} : {}),
    ...(workers !== undefined ? {workers} : {}),
    ...(options.order !== undefined ? {order: options.order} : {}),
    ...(budget !== undefined ? {budget} : {}),
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
 * Bad ranges and a plan over its budget fail before anything is written: a read-only look at the
 * schedule (and, with a budget, the plan's dry-run estimate). Returns the warehouse's key in the
 * state store (where an interrupted run is found).
 */
async function checkRange(context: CliContext, request: RunRequest): Promise<string> {
  const warehouse = await context.openWarehouse({readOnly: true});
  try {
    await requireGameDates(warehouse, request.range);
    await checkRequestBudget({warehouse, config: context.config, boundary: context.boundary, request});
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
  await checkRange(context, request);
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
  const {openConsole} = await loadConsoleUi();
  const exit = await openConsole(session, {alerts: context.notify.terminal});
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
  let notifier: CommandNotifier | null = null;
  let outcome: string | null = null;
  try {
    const key = await checkRange(context, request);
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
    notifier = notifierFor(context, (message) => log('warn', 'notify', message));
    if (notifier) live.subscribeEvents((event) => notifier!.event(event));
    server = await serveForAttach(context, live, (level, message) => log(level, 'attach', message));
    if (clampedFrom) {
      log('warn', 'range-clamped', `--to ${clampedFrom} is on or after the real-time boundary ${context.boundary}: running through ${request.range.end}`);
    }
    if (stopSignal) return signalExitCode(stopSignal);
    const runOne = async (r: RunRequest) => {
      started = true;
      const handle = (await live.startRun(r))!;
      const following = follow(context, handle, (signal) => (stopSignal ??= signal));
      stopWhenBudgetPausedAlone(handle, () => server?.clients() ?? 0, (message) => log('warn', 'budget', message));
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
      await notifier?.drain(); // run-finished reaches the command before the process exits
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
    await checkRange(context, request);
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
    const plan = await planRun({warehouse, config: context.config, boundary: context.boundary, request, history: runHistory(context.stateDir, context.warehouse.identity)});
    for (const line of formatPlan(plan)) context.out(line);
    const dates = plan.processors.map((p) => ({name: p.name, dates: p.batches.reduce((n, b) => n + b.dates.length, 0)}));
    const duration = estimateDuration(dates, pastRates(readAttempts(context.stateDir, context.warehouse.identity)));
    for (const line of estimateLines(duration, formatDuration)) context.out(line);
    // BigQuery: what the plan would scan and cost, from one dry-run job per processor.
    const cost = await estimateRunCost(warehouse, context.config, plan);
    if (cost) for (const line of formatPlanCost(cost)) context.out(line);
    // What the run would say before starting: over its budget is exit 2, as `run` would be.
    checkBudget(plan, cost);
    if (plan.request.budget !== undefined && cost) context.out(`  budget ${formatBudget(plan.request.budget)}: the estimate fits`);
    return 0;
  } finally {
    await warehouse.close();
  }
}

export const runCommand = command({
  name: 'run',
  description: 'plan and run the backfill (resumes an interrupted run first)',
  options: [
    ['--from <date>', 'first date (default: the configured start, 2021-11-01)'],
    ['--to <date>', 'last date (default and maximum: the day before the real-time boundary)'],
    ['--processors <list>', 'processors by table or short name, comma-separated (PGS,TDZA)'],
    ['--phase <n>', 'only phase 3 or phase 4 processors'],
    ['--batch-size <n>', 'game dates per batch (default per processor)'],
    ['--workers <n>', 'batches in flight per processor'],
    ['--reprocess <mode>', 'which dates to rebuild: missing (default), failed (last batch failed), stale, all'],
    ['--stale', 'the same as --reprocess stale'],
    ['--force', 'rebuild dates that are already covered (the same as --reprocess all)'],
    ['--no-cascade', 'do not also rebuild the dates that read what this run rebuilds'],
    new Option('--order <order>', 'which batches start first (default oldest-first)').choices(RUN_ORDERS),
    ['--budget <size>', 'BigQuery: bytes billed the run may reach, e.g. 2TB; over it at the plan, nothing starts; reached, every processor pauses'],
    ['--dry-run', 'print the plan (batches per processor) and write nothing'],
    ['--detach', 'run in the background, headless, logging to a file; prints the pid, the log and how to attach'],
  ],
  run: (context, flags: RunOptions) => runBackfill(context, flags),
});
