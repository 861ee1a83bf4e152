// Resume state: per warehouse, the run in progress (its request and the dates it built), the
// paused processors and the history of runs with per-batch rows and durations. One `conf` JSON
// file under --state-dir, written atomically (temp file, fsync, rename). The warehouse stays the
// truth for what is covered; this file only says what was asked and what is held.
// Reading never writes: conf creates its directory and file when constructed, so it is built on
// the first write only (`run --dry-run`, `status` and a refused run leave no state behind).
import Conf from 'conf';
import {DERIVED_TABLE_NAMES, type DerivedTableName} from '../catalog/types.js';
import {makeDirectory, StateDirError, writingStateDir} from './dir.js';
import {corruptStateFound, corruptStateKeptAside, parseStateText, readStateText, setAsideCorruptFile, stateFilePath, type StateFileContent} from './file.js';
import {EMPTY_STATE, type ActiveRun, type RunRecord, type StateFile, type WarehouseState} from './schema.js';

export {stateFilePath} from './file.js';
export type {ActiveRun, BatchRecord, RunRecord} from './schema.js';

const HISTORY_LIMIT = 20;

function emptyWarehouse(): WarehouseState {
  return {paused: [], active: null, history: []};
}

/** The file's text for a reader; a file this user may not read is said in one line. */
function textOf(stateDir: string): string | null {
  const file = stateFilePath(stateDir);
  try {
    return readStateText(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new StateDirError(`cannot read the state file ${file} (${code}): fix its permissions, or point --state-dir (or BACKFILL_STATE_DIR) elsewhere`);
  }
}

function contentOf(stateDir: string): StateFileContent {
  return parseStateText(textOf(stateDir));
}

export class StateStore {
  private conf: Conf<StateFile> | null = null;
  /** The last text read and what it held: a run rewrites the file every 250 ms, parse it once. */
  private cached: {readonly text: string | null; readonly content: StateFileContent} | null = null;

  /** Opens the store in `stateDir`; nothing is created until something is written. */
  constructor(readonly stateDir: string) {}

  get path(): string {
    return stateFilePath(this.stateDir);
  }

  private content(): StateFileContent {
    const text = textOf(this.stateDir);
    if (this.cached?.text !== text) this.cached = {text, content: parseStateText(text)};
    return this.cached.content;
  }

  /** A corrupt file reads as empty: its flags and resume point are lost, the warehouse decides. */
  private load(): StateFile {
    const content = this.content();
    return content.kind === 'valid' ? content.state : EMPTY_STATE;
  }

  private read(key: string): WarehouseState {
    return this.load().warehouses[key] ?? emptyWarehouse();
  }

  private write(key: string, update: (state: WarehouseState) => WarehouseState): void {
    writingStateDir(this.stateDir, () => {
      const content = this.content();
      // Never overwrite a corrupt file: it goes aside first (recoverStateFile says so in one line).
      if (content.kind === 'corrupt') setAsideCorruptFile(this.path);
      const all = {...(content.kind === 'valid' ? content.state.warehouses : {})};
      all[key] = update(all[key] ?? emptyWarehouse());
      this.writer().set('warehouses', all);
    });
  }

  private writer(): Conf<StateFile> {
    if (this.conf) return this.conf;
    makeDirectory(this.stateDir);
    this.conf = new Conf<StateFile>({
      projectName: 'backfill',
      cwd: this.stateDir,
      configName: 'state',
      accessPropertiesByDotNotation: false,
      clearInvalidConfig: false,
      defaults: EMPTY_STATE,
    });
    return this.conf;
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

  /** Saves a history record that is not the active run's (an undo), the active run left as it is. */
  saveRecord(key: string, record: RunRecord): void {
    this.write(key, (s) => ({...s, history: [...s.history.filter((r) => r.runId !== record.runId), record].slice(-HISTORY_LIMIT)}));
  }

  /** Saves the active run and its history record in one atomic write. */
  saveProgress(key: string, active: ActiveRun | null, record: RunRecord): void {
    this.write(key, (s) => {
      const others = s.history.filter((r) => r.runId !== record.runId);
      return {...s, active, history: [...others, record].slice(-HISTORY_LIMIT)};
    });
  }
}

/**
 * For a command about to write state: a corrupt state file is kept aside now, and the returned
 * line (null when the file is fine) tells the operator what was lost. The work goes on.
 */
export function recoverStateFile(stateDir: string): string | null {
  const content = contentOf(stateDir);
  if (content.kind !== 'corrupt') return null;
  const file = stateFilePath(stateDir);
  const aside = writingStateDir(stateDir, () => setAsideCorruptFile(file));
  return corruptStateKeptAside(file, content.problem, aside);
}

/** For a command that writes nothing (a dry run): the same news, with the file left in place. */
export function corruptStateNotice(stateDir: string): string | null {
  const content = contentOf(stateDir);
  return content.kind === 'corrupt' ? corruptStateFound(stateFilePath(stateDir), content.problem) : null;
}
