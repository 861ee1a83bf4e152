// Fresh: no covered game date of the range is stale (src/freshness): nothing it was built from
// (its processor's definition, the builds of the inputs it read, the raw rows' fingerprints)
// changed since. One staleness read for every table of the validation; each table's result names
// its stale dates with their reasons.
import type {DerivedTable} from '../../catalog/types.js';
import type {Config} from '../../config.js';
import {listStale, readStaleness, type StaleMap} from '../../freshness/index.js';
import {shortDateList} from '../dateRuns.js';
import {SAMPLE_ROWS} from '../failures.js';
import type {CheckResult} from '../types.js';
import type {CheckContext} from './context.js';
import {plural} from './context.js';

/** Reads staleness once (through the range's end), then answers per table. */
export function freshChecker(context: CheckContext, config: Pick<Config, 'processors'>): (table: DerivedTable) => Promise<CheckResult> {
  let read: Promise<StaleMap> | null = null;
  return async (table) => {
    const started = Date.now();
    read ??= readStaleness(context.warehouse, {last: context.range.end, config}).then((r) => r.stale);
    const stale = listStale(await read, {range: context.range, tables: [table.name]});
    const dates = stale.map((s) => s.date);
    const shown = stale.slice(0, 2).map((s) => `${s.date} ${s.reason} (${s.detail})`);
    return {
      check: 'fresh',
      table: table.name,
      passed: stale.length === 0,
      failures: stale.length,
      dates,
      sample: stale.slice(0, SAMPLE_ROWS).map((s) => ({game_date: s.date, reason: s.reason, detail: s.detail})),
      message:
        stale.length === 0
          ? 'no covered game date is stale'
          : `${plural(stale.length, 'game date')} stale (${shortDateList(dates, context.calendar)}): ${shown.join('; ')}${stale.length > 2 ? '; ...' : ''}; \`backfill run --stale\` rebuilds them`,
      durationMs: Date.now() - started,
    };
  };
}
