// Bulk loading of the generated league into DuckDB. Columns come from the catalog: each source
// table's columns are looked up in a map of values by name, so a column added to the catalog
// without a demo value fails loudly instead of being silently skipped. Box scores and games go in
// through the Appender; the 1.3M shot rows are expanded in SQL from per-player zone counts.
import {DuckDBDataChunk, DuckDBDateValue, DuckDBTypeId, INTEGER, type DuckDBAppender, type DuckDBConnection, type DuckDBValue, type DuckDBVector} from '@duckdb/node-api';
import {boxscoreTraditional, nbaSchedule, shotChart, teamRoster} from '../catalog/tables.js';
import type {SourceTable} from '../catalog/types.js';
import {duckdb} from '../queries/dialect.js';
import type {PlayerLine} from './game.js';
import {ZONES} from './league.js';
import {Rng} from './random.js';
import type {ScheduleRow} from './season.js';
import {TEAMS} from './teams.js';

type Value = string | number | boolean | null;
type Getter<R> = (row: R) => Value;

export interface RosterRow {
  readonly season: string;
  readonly team: number;
  readonly playerId: number;
  readonly lookup: string;
  readonly name: string;
  readonly position: string;
  readonly from: string;
  readonly to: string | null;
}

interface BoxRow {
  readonly game: ScheduleRow;
  readonly team: number;
  readonly line: PlayerLine;
}

const SCHEDULE: Record<string, Getter<ScheduleRow>> = {
  game_id: (g) => g.gameId,
  game_date: (g) => g.date,
  season: (g) => g.season,
  season_type: (g) => g.seasonType,
  home_team_abbr: (g) => TEAMS[g.home].abbr,
  away_team_abbr: (g) => TEAMS[g.away].abbr,
  game_status: (g) => g.status,
  home_score: (g) => g.homeScore,
  away_score: (g) => g.awayScore,
};

const ROSTER: Record<string, Getter<RosterRow>> = {
  season: (r) => r.season,
  team_abbr: (r) => TEAMS[r.team].abbr,
  player_id: (r) => r.playerId,
  player_lookup: (r) => r.lookup,
  player_name: (r) => r.name,
  position: (r) => r.position,
  valid_from: (r) => r.from,
  valid_to: (r) => r.to,
};

/** '31:05' */
export function formatMinutes(seconds: number): string {
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

const BOX: Record<string, Getter<BoxRow>> = {
  game_id: (b) => b.game.gameId,
  game_date: (b) => b.game.date,
  team_abbr: (b) => TEAMS[b.team].abbr,
  player_id: (b) => b.line.player.player.id,
  player_name: (b) => b.line.player.player.name,
  player_lookup: (b) => b.line.player.player.lookup,
  starter: (b) => b.line.starter,
  minutes: (b) => (b.line.seconds === null ? null : formatMinutes(b.line.seconds)),
  dnp_reason: (b) => b.line.dnpReason,
  points: (b) => b.line.points,
  fgm: (b) => b.line.fgm,
  fga: (b) => b.line.fga,
  fg3m: (b) => b.line.fg3m,
  fg3a: (b) => b.line.fg3a,
  ftm: (b) => b.line.ftm,
  fta: (b) => b.line.fta,
  oreb: (b) => b.line.oreb,
  dreb: (b) => b.line.dreb,
  reb: (b) => b.line.oreb + b.line.dreb,
  ast: (b) => b.line.ast,
  stl: (b) => b.line.stl,
  blk: (b) => b.line.blk,
  tov: (b) => b.line.tov,
  pf: (b) => b.line.pf,
  plus_minus: (b) => b.line.plusMinus,
};

const DATE_VALUES = new Map<string, DuckDBDateValue>();

/** 'YYYY-MM-DD' → a DATE value (appending the text would make DuckDB parse every row's date). */
function dateValue(iso: string): DuckDBDateValue {
  let value = DATE_VALUES.get(iso);
  if (!value) {
    value = new DuckDBDateValue(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000);
    DATE_VALUES.set(iso, value);
  }
  return value;
}

const CHUNK_ROWS = 2048;

/**
 * Rows into a table through data chunks: numbers are stored in the chunk's typed arrays and each
 * column crosses into DuckDB once per 2,048 rows, about twice as fast as appending value by value.
 */
class ChunkAppender {
  private rows = 0;

  private constructor(
    private readonly appender: DuckDBAppender,
    private readonly chunk: DuckDBDataChunk,
    private readonly vectors: DuckDBVector[],
    private readonly convert: ((value: string | number | boolean) => DuckDBValue)[],
  ) {}

  static async open(connection: DuckDBConnection, table: string, schema: string): Promise<ChunkAppender> {
    const appender = await connection.createAppender(table, schema);
    // BIGINT columns are filled from INTEGER vectors (the appender widens them): every demo number
    // fits 32 bits, and a BigInt per value would mostly feed the garbage collector.
    const types = Array.from({length: appender.columnCount}, (_, i) => appender.columnType(i)).map((type) =>
      type.typeId === DuckDBTypeId.BIGINT ? INTEGER : type,
    );
    const chunk = DuckDBDataChunk.create(types, CHUNK_ROWS);
    const convert = types.map((type) =>
      type.typeId === DuckDBTypeId.DATE ? (value: string | number | boolean) => dateValue(value as string) : (value: string | number | boolean) => value,
    );
    return new ChunkAppender(appender, chunk, types.map((_, i) => chunk.getColumnVector(i)), convert);
  }

  set(column: number, value: Value): void {
    this.vectors[column].setItem(this.rows, value === null ? null : this.convert[column](value));
  }

  endRow(): void {
    if (++this.rows === CHUNK_ROWS) this.flush();
  }

  close(): void {
    this.flush();
    this.appender.closeSync();
  }

  private flush(): void {
    if (this.rows === 0) return;
    this.chunk.rowCount = this.rows;
    for (const vector of this.vectors) vector.flush();
    this.appender.appendDataChunk(this.chunk);
    this.rows = 0;
  }
}

/** Appends rows to a catalog table, the value of each catalog column taken from `values`. */
class TableLoader<R> {
  private constructor(
    private readonly appender: ChunkAppender,
    private readonly getters: Getter<R>[],
  ) {}

  static async open<R>(connection: DuckDBConnection, table: SourceTable, values: Record<string, Getter<R>>): Promise<TableLoader<R>> {
    const getters = table.columns.map((column) => {
      const getter = values[column.name];
      if (!getter) throw new Error(`the demo generator has no value for ${table.dataset}.${table.name}.${column.name}`);
      return getter;
    });
    return new TableLoader(await ChunkAppender.open(connection, table.name, table.dataset), getters);
  }

  append(row: R): void {
    const {appender, getters} = this;
    for (let i = 0; i < getters.length; i++) appender.set(i, getters[i](row));
    appender.endRow();
  }

  close(): void {
    this.appender.close();
  }
}

/** Per player-game zone counts, expanded into shot rows at the end; dropped afterwards. */
const STAGE = 'demo_shot_zones';
const STAGE_COLUMNS = [
  'game_id VARCHAR', 'game_date DATE', 'team_abbr VARCHAR', 'player_lookup VARCHAR',
  'periods INTEGER', 'game_shots INTEGER', 'step INTEGER', 'shift INTEGER', 'first_shot INTEGER',
  ...ZONES.flatMap((_, z) => [`a${z} INTEGER`, `m${z} INTEGER`]),
];
/** Primes above any game's attempt count: k → (k·step + shift) mod n is then a permutation of 0..n-1. */
const STEPS = [401, 409, 419, 421, 431, 433, 439, 443, 449, 457];

export class DemoWriter {
  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly seed: number,
    private readonly schedule: TableLoader<ScheduleRow>,
    private readonly roster: TableLoader<RosterRow>,
    private readonly box: TableLoader<BoxRow>,
    private readonly zones: ChunkAppender,
  ) {}

  static async open(connection: DuckDBConnection, seed: number): Promise<DemoWriter> {
    await connection.run(`CREATE OR REPLACE TABLE main.${STAGE} (${STAGE_COLUMNS.join(', ')})`);
    return new DemoWriter(
      connection,
      seed,
      await TableLoader.open(connection, nbaSchedule, SCHEDULE),
      await TableLoader.open(connection, teamRoster, ROSTER),
      await TableLoader.open(connection, boxscoreTraditional, BOX),
      await ChunkAppender.open(connection, STAGE, 'main'),
    );
  }

  addRoster(rows: readonly RosterRow[]): void {
    for (const row of rows) this.roster.append(row);
  }

  /** Games in date order; a Final game brings its box score and shot zones. */
  addGames(games: readonly ScheduleRow[]): void {
    for (const game of games) {
      this.schedule.append(game);
      const result = game.result;
      if (!result) continue;
      const teams = [[game.away, result.away], [game.home, result.home]] as const;
      // The game's attempts are numbered 0..n-1 player after player; a seeded permutation turns
      // that into the order they were taken in (shot_number), which also gives their period.
      const gameShots = teams.reduce((n, [, lines]) => n + lines.reduce((m, l) => m + l.fga, 0), 0);
      const rng = new Rng(this.seed, `shots:${game.gameId}`);
      const step = rng.pick(STEPS);
      const shift = rng.int(0, Math.max(0, gameShots - 1));
      let firstShot = 0;
      for (const [team, lines] of teams) {
        for (const line of lines) {
          this.box.append({game, team, line});
          if (line.fga === 0) continue;
          const z = this.zones;
          z.set(0, game.gameId);
          z.set(1, game.date);
          z.set(2, TEAMS[team].abbr);
          z.set(3, line.player.player.lookup);
          z.set(4, 4 + result.overtimes);
          z.set(5, gameShots);
          z.set(6, step);
          z.set(7, shift);
          z.set(8, firstShot);
          for (let i = 0; i < ZONES.length; i++) {
            z.set(9 + 2 * i, line.zoneAttempts[i]);
            z.set(10 + 2 * i, line.zoneMakes[i]);
          }
          z.endRow();
          firstShot += line.fga;
        }
      }
    }
  }

  /** Closes the appenders, then writes one shot row per attempt and drops the staging table. */
  async finish(): Promise<void> {
    this.schedule.close();
    this.roster.close();
    this.box.close();
    this.zones.close();
    await this.connection.run(shotChartInsert());
    await this.connection.run(`DROP TABLE main.${STAGE}`);
  }
}

/** Shot distance in feet by zone: [first, count of values]. */
const DISTANCE: Record<(typeof ZONES)[number], [number, number]> = {
  restricted_area: [0, 4],
  paint: [4, 11],
  mid_range: [10, 13],
  corner_3: [22, 2],
  above_break_3: [24, 6],
};

/**
 * The attempt rows: zone z of a player-game has a{z} rows, the first m{z} of them made. Each
 * attempt's slot in the game's permutation is its shot_number; its period follows from the slot
 * (attempts spread evenly over the game's minutes: 12 per quarter, 5 per overtime). A streaming
 * projection of the staging table (no join, no sort), so the rows land in game order.
 */
export function shotChartInsert(): string {
  const zoneName = `CASE z ${ZONES.map((zone, z) => `WHEN ${z} THEN '${zone}'`).join(' ')} END`;
  // The distance within the zone's band follows the slot and the game's permutation step (seeded).
  const distance = `CASE z ${ZONES.map((zone, z) => `WHEN ${z} THEN ${DISTANCE[zone][0]} + (slot * 7 + step + i) % ${DISTANCE[zone][1]}`).join(' ')} END`;
  // In integers: the attempt's minute is (2·slot + 1)·game_minutes / (2·game_shots).
  const minute2n = '((2 * slot + 1) * (48 + 5 * (periods - 4)))';
  const values: Record<string, string> = {
    game_id: 'game_id',
    game_date: 'game_date',
    shot_number: 'slot + 1',
    team_abbr: 'team_abbr',
    player_lookup: 'player_lookup',
    period: `CASE WHEN ${minute2n} < 96 * game_shots THEN 1 + ${minute2n} // (24 * game_shots) ELSE 5 + (${minute2n} - 96 * game_shots) // (10 * game_shots) END`,
    zone: zoneName,
    shot_distance_ft: distance,
    made: 'i < makes',
  };
  const select = shotChart.columns.map((column) => {
    const expression = values[column.name];
    if (!expression) throw new Error(`the demo generator has no value for ${shotChart.dataset}.${shotChart.name}.${column.name}`);
    return `${expression} AS ${duckdb.ident(column.name)}`;
  });
  const list = (prefix: string) => `[${ZONES.map((_, z) => `${prefix}${z}`).join(', ')}]`;
  const firsts = `[${ZONES.map((_, z) => ['first_shot', ...ZONES.slice(0, z).map((__, y) => `a${y}`)].join(' + ')).join(', ')}]`;
  return `INSERT INTO ${duckdb.table(shotChart)} (${shotChart.columns.map((c) => duckdb.ident(c.name)).join(', ')})
WITH zones AS (
  SELECT game_id, game_date, team_abbr, player_lookup, periods, game_shots, step, shift,
    unnest(range(${ZONES.length})) AS z, unnest(${list('a')}) AS attempts, unnest(${list('m')}) AS makes, unnest(${firsts}) AS zone_first
  FROM main.${STAGE}
), attempts AS (
  SELECT *, unnest(range(attempts)) AS i FROM zones WHERE attempts > 0
), slotted AS (
  SELECT *, CAST(((zone_first + i) * step + shift) % game_shots AS INTEGER) AS slot FROM attempts
)
SELECT ${select.join(',\n  ')}
FROM slotted`;
}
