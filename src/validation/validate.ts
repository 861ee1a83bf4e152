// `validate`: the raw sources' checks for the range, then every SPEC §5 check for every selected
// table, one set-based query per check and table, then the point-in-time audit of the as-of tables
// on sampled dates.
import {DERIVED_TABLES} from '../catalog/tables.js';
import type {DerivedTable} from '../catalog/types.js';
import type {Config} from '../config.js';
import type {DateRange} from '../dates.js';
import {coveredDates, gameDates} from '../queries/coverage.js';
import type {Warehouse} from '../warehouse/types.js';
import {completeness} from './checks/completeness.js';
import {checkContext, type CheckContext} from './checks/context.js';
import {duplicates} from './checks/duplicates.js';
import {freshChecker} from './checks/fresh.js';
import {nulls} from './checks/nulls.js';
import {RAW_CHECKS, rawChecks} from './checks/raw-sources.js';
import {reconcileRaw, reconcileTeam} from './checks/reconcile.js';
import {rowCounts} from './checks/rowCounts.js';
import {AUDITED_TABLES, pointInTimeAudit} from './pointInTime/audit.js';
import {AUDIT_DATES_PER_SEASON, auditDates} from './pointInTime/sample.js';
import type {CheckName, CheckResult, ValidationProgress, ValidationReport} from './types.js';

export interface ValidateOptions {
  readonly range: DateRange;
  /** Default: every derived table. */
  readonly tables?: readonly DerivedTable[];
  readonly onProgress?: (progress: ValidationProgress) => void;
  readonly signal?: AbortSignal;
  /** Dates rebuilt per season by the point-in-time audit (0 skips the audit). */
  readonly auditDatesPerSeason?: number;
  /**
   * The raw sources' checks. Default: when the whole warehouse is validated (no table selection,
   * or all ten); a selection of tables checks those tables only.
   */
  readonly raw?: boolean;
  /** External commands are part of a processor's definition (the fresh check). */
  readonly config?: Pick<Config, 'processors'>;
}

const CHECK_ORDER: readonly CheckName[] = [...RAW_CHECKS, 'completeness', 'duplicates', 'nulls', 'row_counts', 'fresh', 'reconcile_raw', 'reconcile_team', 'point_in_time'];

type PlannedCheck = () => Promise<CheckResult | CheckResult[]>;

function plan(context: CheckContext, tables: readonly DerivedTable[], audit: () => Promise<CheckResult[]>, raw: boolean, config: Pick<Config, 'processors'>): {checks: PlannedCheck[]; total: number} {
  const checks: PlannedCheck[] = raw ? rawChecks(context) : [];
  let total = checks.length;
  const fresh = freshChecker(context, config);
  for (const table of tables) {
    checks.push(() => completeness(context, table), () => duplicates(context, table), () => nulls(context, table), () => rowCounts(context, table), () => fresh(table));
    total += 5;
  }
  if (tables.some((t) => t.name === 'player_game_summary')) {
    checks.push(() => reconcileRaw(context));
    total += 1;
  }
  if (tables.some((t) => t.name === 'team_offense_game_summary')) {
    checks.push(() => reconcileTeam(context));
    total += 1;
  }
  const audited = tables.filter((t) => AUDITED_TABLES.includes(t));
  if (audited.length) {
    checks.push(audit);
    total += audited.length;
  }
  return {checks, total};
}

export async function validate(warehouse: Warehouse, options: ValidateOptions): Promise<ValidationReport> {
  const started = Date.now();
  const tables = options.tables?.length ? options.tables : DERIVED_TABLES;
  const context = checkContext(warehouse, options.range, await gameDates(warehouse, options.range), options.signal);
  const audited = tables.filter((t) => AUDITED_TABLES.includes(t));
  const perSeason = options.auditDatesPerSeason ?? AUDIT_DATES_PER_SEASON;

  const audit = async () => {
    if (perSeason <= 0) return [];
    // Sample among dates every audited table covers: a missing date is completeness's finding.
    const covered = await coveredDates(warehouse, audited, options.range);
    const candidates = context.gameDates.filter((g) => audited.every((t) => covered.get(t.name)!.has(g.date)));
    return pointInTimeAudit(context, audited, auditDates(candidates, perSeason));
  };

  const whole = tables.length === DERIVED_TABLES.length;
  const {checks, total} = plan(context, tables, audit, options.raw ?? whole, options.config ?? {processors: {}});
  const results: CheckResult[] = [];
  for (const check of checks) {
    options.signal?.throwIfAborted();
    const found = await check();
    for (const result of Array.isArray(found) ? found : [found]) {
      results.push(result);
      options.onProgress?.({done: results.length, total, result});
    }
  }
  // Raw sources (not derived tables: position -1) first, then the tables in catalog order.
  const position = (name: string) => DERIVED_TABLES.findIndex((t) => t.name === name);
  results.sort((a, b) => position(a.table) - position(b.table) || CHECK_ORDER.indexOf(a.check) - CHECK_ORDER.indexOf(b.check));
  return {
    range: options.range,
    tables: tables.map((t) => t.name),
    results,
    passed: results.every((r) => r.passed),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  };
}
