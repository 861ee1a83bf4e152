// A BigQuery served locally (bigquery-http.ts) that holds a schedule and nothing built yet, so that
// whole runs can go through the real client and the real adapter: the calendar query answers the
// given game dates, partition metadata answers "nothing covered", and every batch's MERGE bills
// what the test says. Everything else answers no rows.
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
    estimate: (query) => (isMerge(query) ? options.mergeEstimate : 1_000),
    billed: (query) => (isMerge(query) ? options.mergeBilled : 10 * 2 ** 20),
    slotMs: options.slotMs ?? 1_500,
    rows: (query) => {
      if (query.includes('nba_orchestration.nba_schedule')) {
        return {
          schema: [{name: 'game_date', type: 'DATE'}, {name: 'season', type: 'STRING'}, {name: 'games', type: 'INTEGER'}],
          rows: options.dates.map((date) => [date, '2021-22', 1]),
        };
      }
      return {schema: [], rows: []};
    },
  };
}
