// NULLs: the catalog's critical columns are never NULL (MLFS promises them to the ML code).
import type {DerivedTable} from '../../catalog/types.js';
import {rangePredicate} from '../../queries/write.js';
import {shortDateList} from '../dateRuns.js';
import {runFailureQuery} from '../failures.js';
import type {CheckResult} from '../types.js';
import {keyList, plural, type CheckContext} from './context.js';

export function nulls(context: CheckContext, table: DerivedTable): Promise<CheckResult> {
  const d = context.warehouse.dialect;
  const isNull = table.critical.map((c) => `${d.ident(c)} IS NULL`);
  // Which columns are NULL, as text: one row says all of its problems.
  const which = table.critical.map((c) => `CASE WHEN ${d.ident(c)} IS NULL THEN ${d.literal(`${c} `)} ELSE '' END`);
  return runFailureQuery(context.warehouse, {
    check: 'nulls',
    table,
    params: context.params,
    bad: `  SELECT ${keyList(context, table)}, TRIM(CONCAT(${which.join(', ')})) AS null_columns
  FROM ${d.table(table)}
  WHERE ${rangePredicate(d)} AND (${isNull.join(' OR ')})`,
    order: table.key,
    describe: ({failures, dates, rows}) => {
      if (failures === 0) return `no NULL in ${table.critical.length} critical columns`;
      const columns = [...new Set(rows.flatMap((r) => String(r.null_columns).split(' ')))].sort();
      return `${plural(failures, 'row')} with NULL in critical columns (${columns.join(', ')}) on ${shortDateList(dates, context.calendar)}`;
    },
  });
}
