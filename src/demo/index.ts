// `backfill demo` and the console's first start: a DuckDB warehouse filled with a realistic,
// deterministic league (SPEC §2, §6) from the 2021-22 opener to the day before as-of.
// The file is built under a temporary name next to the target and renamed into place only when
// complete, so an interrupted generation never leaves a half warehouse behind.
import {accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync} from 'node:fs';
import {basename, dirname, join, resolve} from 'node:path';
import {ALL_TABLES} from '../catalog/tables.js';
import {addDays, parseIsoDate, today, type IsoDate} from '../dates.js';
import {UsageError} from '../errors.js';
import {processExists} from '../processes.js';
import {openDuckDb, type DuckDbWarehouse} from '../warehouse/duckdb.js';
import {demoSeasons} from './calendar.js';
import {LeagueHistory} from './league.js';
import {playSeason} from './season.js';
import {DemoWriter, type RosterRow} from './write.js';

export const DEFAULT_DEMO_SEED = 7;
/** The first demo game is 2021-22's opening night; as-of must come after it. */
export const FIRST_GAME_DATE = '2021-10-19';

export interface DemoOptions {
  /** Games before this date are Final; later ones of the current season are Scheduled. Default: today. */
  readonly asOf?: IsoDate;
  readonly seed?: number;
  /** Replace an existing warehouse file. */
  readonly force?: boolean;
  /** fraction 0..1 and what is being done, for a progress bar. */
  readonly onProgress?: (fraction: number, label: string) => void;
}

export interface DemoSummary {
  readonly path: string;
  readonly asOf: IsoDate;
  readonly seed: number;
  readonly seasons: readonly string[];
  /** Rows per source table, by table name. */
  readonly rows: Readonly<Record<string, number>>;
  readonly seconds: number;
}

export async function createDemoWarehouse(path: string, options: DemoOptions = {}): Promise<DemoSummary> {
  const started = performance.now();
  const asOf = parseIsoDate(options.asOf ?? today(), '--as-of');
  if (asOf <= FIRST_GAME_DATE) throw new UsageError(`--as-of ${asOf} is too early: the demo starts with the ${FIRST_GAME_DATE} opener, use a later date`);
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed ${seed} is not an integer`);
  const target = resolve(path);
  const progress = options.onProgress ?? (() => undefined);

  if (existsSync(target)) {
    if (statSync(target).isDirectory()) throw new UsageError(`${target} is a directory, not a warehouse file: pass --warehouse FILE`);
    if (!options.force) throw new UsageError(`${target} already exists: use --force to replace it with a new demo warehouse`);
  }
  ensureWritableFolder(dirname(target));
  removeAbandonedTemporaries(target);

  const temporary = `${target}.tmp-${process.pid}`;
  removeFile(temporary);
  let warehouse: DuckDbWarehouse | undefined;
  try {
    warehouse = await openDuckDb(temporary);
    await warehouse.ensureTables(ALL_TABLES);
    progress(0, 'creating the demo league');
    const seasons = await warehouse.withConnection(undefined, async (connection) => {
      const writer = await DemoWriter.open(connection, seed);
      const names = await generate(writer, asOf, seed, progress);
      progress(0.85, 'writing the shot chart');
      await writer.finish();
      return names;
    });
    progress(0.95, 'counting rows');
    const rows: Record<string, number> = {};
    for (const table of ALL_TABLES.filter((t) => t.kind === 'source')) {
      const [{n}] = await warehouse.query(`SELECT count(*) AS n FROM ${warehouse.dialect.table(table)}`);
      rows[table.name] = Number(n);
    }
    await warehouse.query('CHECKPOINT');
    await warehouse.close();
    warehouse = undefined;
    removeFile(`${target}.wal`);
    renameSync(temporary, target);
    progress(1, 'demo warehouse ready');
    return {path: target, asOf, seed, seasons, rows, seconds: (performance.now() - started) / 1000};
  } catch (error) {
    await warehouse?.close().catch(() => undefined);
    removeFile(temporary);
    throw error;
  }
}

/** Simulates season after season and streams each into the writer; returns the season names. */
async function generate(writer: DemoWriter, asOf: IsoDate, seed: number, progress: (fraction: number, label: string) => void): Promise<string[]> {
  const calendars = demoSeasons(asOf);
  const league = new LeagueHistory(seed);
  // The season holding as-of (the last one that has begun) has open stints; earlier ones closed in June.
  const current = calendars.filter((c) => c.opener < asOf).at(-1)!;
  for (const [i, calendar] of calendars.entries()) {
    const label = `simulating ${calendar.season}`;
    // Yielding to the event loop lets a console redraw its progress bar during the simulation.
    const pause = async (done: number) => {
      progress((0.8 * (i + 0.9 * done)) / calendars.length, label);
      await new Promise((resume) => setImmediate(resume));
    };
    await pause(0);
    const season = league.season(calendar);
    const games = await playSeason(calendar, season, seed, asOf, pause);
    const lastDay = addDays(asOf, -1);
    const roster: RosterRow[] = season.stints
      .filter((s) => s.from <= lastDay)
      .map((s) => ({
        season: calendar.season,
        team: s.team,
        playerId: s.player.player.id,
        lookup: s.player.player.lookup,
        name: s.player.player.name,
        position: s.player.player.position,
        from: s.from,
        // A stint that ends after as-of has not ended yet.
        to: s.to !== null && s.to < lastDay ? s.to : calendar === current ? null : `${calendar.startYear + 1}-06-30`,
      }));
    writer.addRoster(roster);
    writer.addGames(games);
  }
  return calendars.map((c) => c.season);
}

function ensureWritableFolder(folder: string): void {
  try {
    makeFolder(folder);
    if (!statSync(folder).isDirectory()) throw Object.assign(new Error('not a directory'), {code: 'ENOTDIR'});
    accessSync(folder, constants.W_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot write the warehouse in ${folder} (${reason}): choose another path with --warehouse FILE`);
  }
}

/**
 * mkdir -p one level at a time: Node's recursive mkdirSync never returns for a path under /proc
 * (it keeps retrying the ENOENT), which would hang `backfill demo --warehouse /proc/x/w.duckdb`.
 */
function makeFolder(folder: string): void {
  if (existsSync(folder)) return;
  const parent = dirname(folder);
  if (parent !== folder) makeFolder(parent);
  mkdirSync(folder);
}

/** Temporary files of generations that were killed (their process is gone). */
function removeAbandonedTemporaries(target: string): void {
  const prefix = `${basename(target)}.tmp-`;
  for (const name of readdirSync(dirname(target))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number.parseInt(name.slice(prefix.length), 10);
    if (Number.isInteger(pid) && pid !== process.pid && !processExists(pid)) removeFile(join(dirname(target), name));
  }
}

function removeFile(file: string): void {
  rmSync(file, {force: true});
  rmSync(`${file}.wal`, {force: true});
}
