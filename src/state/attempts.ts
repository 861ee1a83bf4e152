// Every batch attempt per warehouse (run, attempt number, start, duration, rows, outcome, error,
// retry kind, job id, bytes): what `backfill history`, the console's day view and detail pane, and
// the duration estimate read. One JSON line per attempt appended to `history/<key>.jsonl` in the
// state dir: an append costs about what the log line costs, never a rewrite of state.json. Bounded:
// when the file passes TOTAL_CAP + SLACK lines it is compacted (atomically: a temp file renamed over
// it) to the newest PER_DATE_CAP attempts of each (table, date) and TOTAL_CAP attempts in all.
import {appendFileSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs';
import {createHash} from 'node:crypto';
import {join} from 'node:path';
import {DERIVED_TABLE_NAMES, type DerivedTableName} from '../catalog/types.js';
import type {DateRange, IsoDate} from '../dates.js';
import {makeDirectory, writingStateDir} from './dir.js';

/** The newest attempts kept per (table, date) when compacting. */
export const PER_DATE_CAP = 10;
/** The newest attempts kept per warehouse in all. */
export const TOTAL_CAP = 20_000;
/** Lines past the cap before a compaction: compaction rewrites the file, so it is done rarely. */
const SLACK = 5_000;

export type AttemptOutcome = 'done' | 'retry' | 'failed' | 'cancelled' | 'requeued';

export interface AttemptRecord {
  readonly runId: string;
  readonly processor: DerivedTableName;
  readonly start: IsoDate;
  readonly end: IsoDate;
  /** Game dates in the batch. */
  readonly dates: number;
  /** 1 for the first try. */
  readonly attempt: number;
  /** ISO time the attempt started. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly rows: number | null;
  readonly outcome: AttemptOutcome;
  readonly error: string | null;
  /** For a failed attempt: transient, quota or permanent. */
  readonly retryKind: 'transient' | 'quota' | 'permanent' | null;
  /** The warehouse job (BigQuery) where there is one. */
  readonly jobId: string | null;
  readonly bytesProcessed: number | null;
  readonly bytesBilled: number | null;
  readonly slotMs: number | null;
}

/** One warehouse's history file (the key is the warehouse's identity, hashed to a file name). */
export function attemptsFile(stateDir: string, warehouseKey: string): string {
  const digest = createHash('sha256').update(warehouseKey).digest('hex').slice(0, 16);
  return join(stateDir, 'history', `${digest}.jsonl`);
}

const OUTCOMES = new Set<string>(['done', 'retry', 'failed', 'cancelled', 'requeued']);
const TABLES = new Set<string>(DERIVED_TABLE_NAMES);

/** A line as an attempt, or null for anything else (a torn last line, a hand edit). */
function parseLine(line: string): AttemptRecord | null {
  let value: Partial<AttemptRecord>;
  try {
    value = JSON.parse(line) as Partial<AttemptRecord>;
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (typeof value.runId !== 'string' || !TABLES.has(String(value.processor)) || typeof value.start !== 'string' || typeof value.end !== 'string') return null;
  if (typeof value.attempt !== 'number' || typeof value.durationMs !== 'number' || !OUTCOMES.has(String(value.outcome))) return null;
  return value as AttemptRecord;
}

/** The last file read and what it held: the day view asks again after each batch, the file rarely changed. */
let cache: {readonly file: string; readonly size: number; readonly mtimeMs: number; readonly attempts: readonly AttemptRecord[]} | null = null;

/** Every attempt kept for the warehouse, oldest first; nothing when there is no file yet. */
export function readAttempts(stateDir: string, warehouseKey: string): AttemptRecord[] {
  const file = attemptsFile(stateDir, warehouseKey);
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return [];
  }
  if (cache?.file === file && cache.size === stat.size && cache.mtimeMs === stat.mtimeMs) return [...cache.attempts];
  let attempts: AttemptRecord[];
  try {
    attempts = readAttemptsFile(file);
  } catch {
    return [];
  }
  cache = {file, size: stat.size, mtimeMs: stat.mtimeMs, attempts};
  return [...attempts];
}

export interface AttemptQuery {
  readonly tables?: readonly DerivedTableName[];
  readonly range?: DateRange;
}

/** The attempts whose batch touches the range, of those tables, oldest first. */
export function selectAttempts(attempts: readonly AttemptRecord[], query: AttemptQuery): AttemptRecord[] {
  const tables = query.tables ? new Set(query.tables) : null;
  const {range} = query;
  return attempts.filter((a) => (!tables || tables.has(a.processor)) && (!range || (a.end >= range.start && a.start <= range.end)));
}

/** The newest PER_DATE_CAP attempts per (table, batch start) and TOTAL_CAP in all, oldest first. */
export function compacted(attempts: readonly AttemptRecord[]): AttemptRecord[] {
  const seen = new Map<string, number>();
  const kept: AttemptRecord[] = [];
  for (let i = attempts.length - 1; i >= 0 && kept.length < TOTAL_CAP; i--) {
    const a = attempts[i];
    // A batch is identified by its first date: retries of one batch share it.
    const key = `${a.processor}|${a.start}`;
    const n = seen.get(key) ?? 0;
    if (n >= PER_DATE_CAP) continue;
    seen.set(key, n + 1);
    kept.push(a);
  }
  return kept.reverse();
}

/**
 * The writer of one warehouse's history (a run): appends one line per attempt. Compacts when the
 * file grew past its bound; the run never waits on more than one small synchronous append.
 */
export class AttemptLog {
  private readonly file: string;
  private lines: number | null = null;

  constructor(
    private readonly stateDir: string,
    warehouseKey: string,
  ) {
    this.file = attemptsFile(stateDir, warehouseKey);
  }

  append(record: AttemptRecord): void {
    writingStateDir(this.stateDir, () => {
      if (this.lines === null) {
        makeDirectory(join(this.stateDir, 'history'));
        this.lines = countLines(this.file);
      }
      appendFileSync(this.file, `${JSON.stringify(record)}\n`, {mode: 0o600});
      this.lines++;
      if (this.lines > TOTAL_CAP + SLACK) this.compact();
    });
  }

  private compact(): void {
    const kept = compacted(readAttemptsFile(this.file));
    const temp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(temp, kept.map((a) => `${JSON.stringify(a)}\n`).join(''), {mode: 0o600});
    renameSync(temp, this.file);
    this.lines = kept.length;
  }
}

function readAttemptsFile(file: string): AttemptRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => (line ? parseLine(line) : null))
    .filter((a): a is AttemptRecord => a !== null);
}

function countLines(file: string): number {
  try {
    if (statSync(file).size === 0) return 0;
    const text = readFileSync(file, 'utf8');
    let n = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    return n;
  } catch {
    return 0;
  }
}
