// Duplicates: the catalog's key is unique (a re-run that appended instead of replacing shows here).
import type {DerivedTable} from '../../catalog/types.js';
import {rangePredicate} from '../../queries/write.js';
import {shortDateList} from '../dateRuns.js';
import {runFailureQuery} from '../failures.js';
import type {CheckResult} from '../types.js';
import {keyList, plural, verb, type CheckContext} from './context.js';

export function duplicates(context: CheckContext, table: DerivedTable): Promise<CheckResult> {
  const d = context.warehouse.dialect;
  const key = keyList(context, table);
  return runFailureQuery(context.warehouse, {
    check: 'duplicates',
    table,
    params: context.params,
    bad: `  SELECT ${key}, COUNT(*) AS copies
  FROM ${d.table(table)} WHERE ${rangePredicate(d)}
  GROUP BY ${key} HAVING COUNT(*) > 1`,
    order: table.key,
    describe: ({failures, dates}) =>
      failures === 0
        ? `key (${table.key.join(', ')}) unique`
        : `${plural(failures, 'key')} (${table.key.join(', ')}) ${verb(failures, 'appears', 'appear')} more than once on ${shortDateList(dates, context.calendar)}`,
  });
}
