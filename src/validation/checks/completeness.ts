// Completeness: every game date of the range (a date with a Final game) has rows in the table.
import {nbaSchedule} from '../../catalog/tables.js';
import type {DerivedTable} from '../../catalog/types.js';
import {rangePredicate} from '../../queries/write.js';
import {shortDateList} from '../dateRuns.js';
import {runFailureQuery} from '../failures.js';
import type {CheckResult} from '../types.js';
import type {CheckContext} from './context.js';
import {plural} from './context.js';

export function completeness(context: CheckContext, table: DerivedTable): Promise<CheckResult> {
  const d = context.warehouse.dialect;
  return runFailureQuery(context.warehouse, {
    check: 'completeness',
    table,
    params: context.params,
    with: `scheduled AS (
  SELECT DISTINCT game_date FROM ${d.table(nbaSchedule)} WHERE game_status = 'Final' AND ${rangePredicate(d)}
),
covered AS (
  SELECT DISTINCT game_date FROM ${d.table(table)} WHERE ${rangePredicate(d)}
)`,
    bad: `  SELECT scheduled.game_date, 'no rows on a game date' AS problem
  FROM scheduled LEFT JOIN covered ON covered.game_date = scheduled.game_date
  WHERE covered.game_date IS NULL`,
    order: [],
    describe: ({failures, dates}) =>
      failures === 0
        ? `all ${plural(context.gameDates.length, 'game date')} covered`
        : `${failures} of ${plural(context.gameDates.length, 'game date')} missing: ${shortDateList(dates, context.calendar)}`,
  });
}
