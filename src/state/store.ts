// Resume state: per warehouse, the run in progress (its request and the dates it built), the
// paused processors and the history of runs with per-batch rows and durations. One `conf` JSON
// file under --state-dir, written atomically (temp file, fsync, rename). The warehouse stays the
// truth for what is covered; this file only says what was asked and what is held.
import {existsSync, readFileSync, renameSync} from 'node:fs';
import {join} from 'node:path';
import Conf from 'conf';
import {z} from 'zod';
import {DERIVED_TABLE_NAMES, type DerivedTableName} from '../catalog/types.js';
import type {DateRange} from '../dates.js';
import {UsageError} from '../errors.js';
import {derivedTableName, runRequestSchema} from '../runner/request.js';
import type {RunRequest, RunState} from '../runner/types.js';

const STATE_FILE = 'state';
const HISTORY_LIMIT = 20;

const tableName = derivedTableName;
const range = z.object({start: z.string(), end: z.string()});
const request = runRequestSchema;

const batchRecord = z.object({
  processor: tableName,
  start: z.string(),
  end: z.string(),
  dates: z.number(),
  rows: z.number(),
  durationMs: z.number(),
  attempts: z.number(),
  status: z.enum(['done', 'failed', 'cancelled']),
  error: z.string().optional(),
});

const activeRun = z.object({
  runId: z.string(),
  pid: z.number(),
  startedAt: z.string(),
  boundary: z.string(),
  request,
  /** 'running' while a process works on it; 'stopped' after a quit that kept it resumable. */
  status: z.enum(['running', 'stopped']),
  batchesPlanned: z.number(),
  /** Game dates each processor has built in this run (what a resumed --force run skips). */
  done: z.record(z.string(), z.array(z.string())),
});

const runRecord = z.object({
  runId: z.string(),
  range,
  processors: z.array(tableName),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  state: z.string(),
  jobs: z.number(),
  batches: z.array(batchRecord),
});

const warehouseState = z.object({
  paused: z.array(tableName),
  active: activeRun.nullable(),
  history: z.array(runRecord),
});

const stateSchema = z.object({
  version: z.literal(1),
  warehouses: z.record(z.string(), warehouseState),
});

export type BatchRecord = z.infer<typeof batchRecord>;
export type ActiveRun = Omit<z.infer<typeof activeRun>, 'request'> & {request: RunRequest};
export type RunRecord = Omit<z.infer<typeof runRecord>, 'state' | 'range'> & {state: RunState; range: DateRange};
type WarehouseState = {paused: DerivedTableName[]; active: ActiveRun | null; history: RunRecord[]};
type StateFile = {version: 1; warehouses: Record<string, WarehouseState>};

export function stateFilePath(stateDir: string): string {
  return join(stateDir, `${STATE_FILE}.json`);
}

/**
 * A file that is not valid JSON or not our shape is moved aside (never overwritten) and the
 * operator told where it went; the next start begins with empty state.
 */
function checkExistingFile(file: string): void {
  if (!existsSync(file)) return;
  let problem: string | null = null;
  try {
    const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problem = `${issue.path.join('.') || '(top level)'}: ${issue.message}`;
    }
  } catch (error) {
    problem = (error as Error).message.split('\n')[0];
  }
  if (problem === null) return;
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, aside);
  throw new UsageError(
    `the state file ${file} is corrupt (${problem}); it was kept as ${aside} and a new one will be started: ` +
      'paused flags and interrupted runs recorded in it are not applied',
  );
}

export class StateStore {
  private readonly conf: Conf<StateFile>;

  /** Opens the store in `stateDir`; a corrupt file is a UsageError after being moved aside. */
  constructor(readonly stateDir: string) {
    checkExistingFile(stateFilePath(stateDir));
    this.conf = new Conf<StateFile>({
      projectName: 'backfill',
      cwd: stateDir,
      configName: STATE_FILE,
      accessPropertiesByDotNotation: false,
      clearInvalidConfig: false,
      defaults: {version: 1, warehouses: {}},
    });
  }

  get path(): string {
    return this.conf.path;
  }

  private read(key: string): WarehouseState {
    const all = this.conf.get('warehouses') ?? {};
    return all[key] ?? {paused: [], active: null, history: []};
  }

  private write(key: string, update: (state: WarehouseState) => WarehouseState): void {
    const all = {...(this.conf.get('warehouses') ?? {})};
    all[key] = update(all[key] ?? {paused: [], active: null, history: []});
    this.conf.set('warehouses', all);
  }

  paused(key: string): DerivedTableName[] {
    return [...this.read(key).paused];
  }

  setPaused(key: string, names: readonly DerivedTableName[], paused: boolean): void {
    this.write(key, (s) => {
      const set = new Set(s.paused);
      for (const n of names) (paused ? set.add(n) : set.delete(n));
      return {...s, paused: DERIVED_TABLE_NAMES.filter((n) => set.has(n))};
    });
  }

  active(key: string): ActiveRun | null {
    return this.read(key).active;
  }

  setActive(key: string, run: ActiveRun | null): void {
    this.write(key, (s) => ({...s, active: run}));
  }

  history(key: string): RunRecord[] {
    return this.read(key).history;
  }

  /** Saves the active run and its history record in one atomic write. */
  saveProgress(key: string, active: ActiveRun | null, record: RunRecord): void {
    this.write(key, (s) => {
      const others = s.history.filter((r) => r.runId !== record.runId);
      return {...s, active, history: [...others, record].slice(-HISTORY_LIMIT)};
    });
  }
}
