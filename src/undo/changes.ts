// The change report as data: per batch from its change statement's row (diff-sql.ts), summed per
// table over a run, and written out for every front end from here: the console's run summary, the
// headless summary and its `changes` / `feature_changes` JSON fields, `runs`, the completion report.
// A table whose batches replaced nothing reports the rows it wrote as added (no query needed: with
// nothing replaced every written row is new); a run that replaced nothing at all says so.
import {DERIVED_TABLES, derivedTable, shortName} from '../catalog/index.js';
import type {DerivedTable, DerivedTableName} from '../catalog/types.js';
import type {Row} from '../warehouse/types.js';
import {featureColumns} from './features.js';

/** One feature's figures, summed so that batches add up (means are sums over counts). */
export interface FeatureSums {
  readonly changed: number;
  readonly sumBefore: number;
  readonly nBefore: number;
  readonly sumAfter: number;
  readonly nAfter: number;
  /** The largest |after − before| over matched rows, null when no row matched. */
  readonly maxAbs: number | null;
}

export interface TableChanges {
  /** Rows the batches replaced (what undo puts back). */
  readonly replaced: number;
  readonly written: number;
  /** Keys written that were not there before. */
  readonly added: number;
  /** Keys that were there and are gone. */
  readonly removed: number;
  /** Keys in both whose values differ (floats beyond the tolerance). */
  readonly changed: number;
  /** The ML feature store's features; null for other tables and when nothing was replaced. */
  readonly features: Readonly<Record<string, FeatureSums>> | null;
}

/** Per table the run wrote. */
export type ChangeReport = Readonly<Partial<Record<DerivedTableName, TableChanges>>>;

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/** A batch's figures from its change statement's row; nothing replaced: its written rows are all added. */
export function batchChanges(table: DerivedTable, row: Row | undefined, written: number): TableChanges {
  const replaced = num(row?.replaced_rows);
  if (!row || replaced === 0) return {replaced: 0, written, added: written, removed: 0, changed: 0, features: null};
  const features: Record<string, FeatureSums> = {};
  for (const column of featureColumns(table)) {
    const at = (suffix: string) => row[`${column.name}__${suffix}`];
    const maxAbs = at('max_abs');
    features[column.name] = {
      changed: num(at('changed')),
      sumBefore: num(at('sum_before')),
      nBefore: num(at('n_before')),
      sumAfter: num(at('sum_after')),
      nAfter: num(at('n_after')),
      maxAbs: maxAbs === null || maxAbs === undefined ? null : Number(maxAbs),
    };
  }
  return {replaced, written: num(row.written_rows), added: num(row.added), removed: num(row.removed), changed: num(row.changed), features: featureColumns(table).length ? features : null};
}

function addFeatures(a: TableChanges['features'], b: TableChanges['features']): TableChanges['features'] {
  if (!a || !b) return a ?? b;
  const out: Record<string, FeatureSums> = {...a};
  for (const [name, f] of Object.entries(b)) {
    const e = out[name];
    out[name] = !e ? f : {
      changed: e.changed + f.changed,
      sumBefore: e.sumBefore + f.sumBefore,
      nBefore: e.nBefore + f.nBefore,
      sumAfter: e.sumAfter + f.sumAfter,
      nAfter: e.nAfter + f.nAfter,
      maxAbs: e.maxAbs === null ? f.maxAbs : f.maxAbs === null ? e.maxAbs : Math.max(e.maxAbs, f.maxAbs),
    };
  }
  return out;
}

export function addChanges(a: TableChanges | null | undefined, b: TableChanges): TableChanges {
  if (!a) return b;
  return {
    replaced: a.replaced + b.replaced,
    written: a.written + b.written,
    added: a.added + b.added,
    removed: a.removed + b.removed,
    changed: a.changed + b.changed,
    features: addFeatures(a.features, b.features),
  };
}

/** A run's report from its batches' figures. */
export function reportOf(batches: readonly {readonly processor: DerivedTableName; readonly changes?: TableChanges | null}[]): ChangeReport {
  const report: Partial<Record<DerivedTableName, TableChanges>> = {};
  for (const b of batches) if (b.changes) report[b.processor] = addChanges(report[b.processor], b.changes);
  return report;
}

export const replacedAnything = (report: ChangeReport): boolean => Object.values(report).some((c) => c && c.replaced > 0);

const qualified = (name: DerivedTableName) => {
  const t = derivedTable(name);
  return `${t.dataset}.${t.name}`;
};

/** The tables of the report in catalog order. */
function entries(report: ChangeReport): [DerivedTableName, TableChanges][] {
  return DERIVED_TABLES.filter((t) => report[t.name]).map((t) => [t.name, report[t.name]!]);
}

export interface FeatureFigures {
  readonly changed: number;
  readonly mean_before: number | null;
  readonly mean_after: number | null;
  readonly max_abs_change: number | null;
}

/** The JSON contract: `changes` keyed by `dataset.table` (tables that replaced rows), `feature_changes` per MLFS feature. */
export function changesJson(report: ChangeReport): {changes: Record<string, {added: number; removed: number; changed: number; replaced: number}>; feature_changes: Record<string, FeatureFigures> | null} {
  const changes: Record<string, {added: number; removed: number; changed: number; replaced: number}> = {};
  for (const [name, c] of entries(report)) {
    if (c.replaced > 0) changes[qualified(name)] = {added: c.added, removed: c.removed, changed: c.changed, replaced: c.replaced};
  }
  const features = report.ml_feature_store?.features;
  return {changes, feature_changes: features ? featureFigures(features) : null};
}

export function featureFigures(features: Readonly<Record<string, FeatureSums>>): Record<string, FeatureFigures> {
  return Object.fromEntries(
    Object.entries(features).map(([name, f]) => [
      name,
      {changed: f.changed, mean_before: f.nBefore ? f.sumBefore / f.nBefore : null, mean_after: f.nAfter ? f.sumAfter / f.nAfter : null, max_abs_change: f.maxAbs},
    ]),
  );
}

const figure = (n: number | null) => (n === null ? '-' : Math.abs(n) >= 100 ? n.toFixed(1) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(4));

/** "replaced 5123 rows: 0 added, 0 removed, 212 changed", or what a first build wrote. */
export function changeClause(c: TableChanges): string {
  if (c.replaced === 0) return `replaced nothing (${c.added} rows added)`;
  return `replaced ${c.replaced} rows: ${c.added} added, ${c.removed} removed, ${c.changed} changed`;
}

/** The clause with the table's short name first: "PGS replaced 5123 rows: ...". */
export const tableChangeText = (name: DerivedTableName, c: TableChanges): string => `${shortName(name)} ${changeClause(c)}`;

/** The changed features, most changed first: "season_ppg 212 (mean 12.31 → 12.35, largest 3.20)". */
export function featureChangeTexts(features: Readonly<Record<string, FeatureSums>>, arrow = '→'): string[] {
  return Object.entries(featureFigures(features))
    .filter(([, f]) => f.changed > 0)
    .sort((a, b) => b[1].changed - a[1].changed || a[0].localeCompare(b[0]))
    .map(([name, f]) => `${name} ${f.changed} (mean ${figure(f.mean_before)} ${arrow} ${figure(f.mean_after)}, largest ${figure(f.max_abs_change)})`);
}

/** One line for a list of runs: "replaced 5958 rows; changed PGS 81, MLFS 905; added 0, removed 0". */
export function changeSummary(report: ChangeReport): string {
  if (!replacedAnything(report)) return Object.keys(report).length ? 'replaced nothing (a first build of every range it wrote)' : 'no change report';
  const all = entries(report);
  const sum = (pick: (c: TableChanges) => number) => all.reduce((n, [, c]) => n + pick(c), 0);
  const changed = all.filter(([, c]) => c.changed > 0).map(([name, c]) => `${shortName(name)} ${c.changed}`);
  return `replaced ${sum((c) => c.replaced)} rows; changed ${changed.length ? changed.join(', ') : 'none'}; added ${sum((c) => c.added)}, removed ${sum((c) => c.removed)}`;
}

/** Lines for a summary: one per table, then the changed features (at most `maxFeatures`, the rest counted). */
export function changeReportLines(report: ChangeReport, options: {readonly maxFeatures?: number; readonly arrow?: string} = {}): string[] {
  if (!replacedAnything(report)) return Object.keys(report).length ? ['changes: replaced nothing (a first build of every range it wrote)'] : [];
  const lines = entries(report).map(([name, c]) => tableChangeText(name, c));
  const features = report.ml_feature_store?.features;
  if (features) {
    const texts = featureChangeTexts(features, options.arrow);
    const max = options.maxFeatures ?? texts.length;
    if (texts.length === 0) lines.push('MLFS features: no value changed');
    else lines.push(`MLFS features changed: ${texts.slice(0, max).join('; ')}${texts.length > max ? `; and ${texts.length - max} more` : ''}`);
  }
  return lines;
}
