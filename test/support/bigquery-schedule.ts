// A BigQuery served locally (bigquery-http.ts) that holds a schedule and nothing built yet, so that
// whole runs can go through the real client and the real adapter: the calendar query answers the
// given game dates, partition metadata answers "nothing covered", and every batch's MERGE bills
// what the test says. Everything else answers no rows and estimates nothing.
import type {SimulatedService} from './bigquery-http.js';

export interface ScheduleService {
  /** Game dates (one Final game each), in order. */
  readonly dates: readonly string[];
  /** What a dry run of one batch's MERGE estimates, and what the MERGE then bills. */
  readonly mergeEstimate: number;
  readonly mergeBilled: number;
  readonly slotMs?: number;
}

const isMerge = (query: string) => query.startsWith('MERGE ');

export function scheduleService(options: ScheduleService): SimulatedService {
  return {
    // Only the MERGEs estimate bytes, so that a test's budget arithmetic is theirs alone (what the
    // undo companions add to an estimate is tested in bigquery-undo.test.ts).
    estimate: (query) => (isMerge(query) ? options.mergeEstimate : 0),
    billed: (query) => (isMerge(query) ? options.mergeBilled : 10 * 2 ** 20),
    slotMs: options.slotMs ?? 1_500,
    rows: (query) => {
      if (query.includes('nba_orchestration.nba_schedule')) {
        return {
          schema: [{name: 'game_date', type: 'DATE'}, {name: 'season', type: 'STRING'}, {name: 'games', type: 'INTEGER'}],
          rows: options.dates.map((date) => [date, '2021-22', 1]),
        };
      }
      // Undo's read of when the replaced rows were current (keep-sql.ts keptAtStatement): one row, as
      // a SELECT without FROM always is; the index is empty here, so it is the job's own clock.
      if (query.endsWith(' AS kept_at')) return {schema: [{name: 'kept_at', type: 'TIMESTAMP'}], rows: [[String(Date.now() * 1000)]] /* microseconds, as the API sends them */};
      return {schema: [], rows: []};
    },
  };
}
