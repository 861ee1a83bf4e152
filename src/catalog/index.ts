// Lookups over the catalog: by table name or short name, by phase, and the dependency closure.
import {UsageError} from '../errors.js';
import {quoted} from '../quote.js';
import {ALL_TABLES, DERIVED_TABLES} from './tables.js';
import type {DerivedTable, DerivedTableName, Table} from './types.js';

export * from './types.js';
export * from './tables.js';
export * from './bookkeeping.js';
export * from './reads.js';

const byName = new Map<string, DerivedTable>();
for (const table of DERIVED_TABLES) {
  byName.set(table.name.toLowerCase(), table);
  byName.set(table.short.toLowerCase(), table);
}

/** A derived table by its table name or short name (case-insensitive), or a UsageError naming the choices. */
export function resolveTable(nameOrShort: string): DerivedTable {
  const table = byName.get(nameOrShort.trim().toLowerCase());
  if (!table) {
    const known = DERIVED_TABLES.map((t) => t.short).join(', ');
    throw new UsageError(`unknown table or processor ${quoted(nameOrShort)} (known: ${known}, or their table names)`);
  }
  return table;
}

/** `a,b,c` → tables in catalog (dependency) order, without repeats. */
export function resolveTableList(list: string): DerivedTable[] {
  const wanted = new Set(list.split(',').filter((s) => s.trim() !== '').map((s) => resolveTable(s).name));
  if (wanted.size === 0) throw new UsageError('the table list is empty');
  return DERIVED_TABLES.filter((t) => wanted.has(t.name));
}

/** PGS for player_game_summary: the name every pane, log line and dialog shows; other names as given. */
export function shortName(name: string): string {
  return byName.get(name.toLowerCase())?.short ?? name;
}

export function derivedTable(name: DerivedTableName): DerivedTable {
  return DERIVED_TABLES.find((t) => t.name === name)!;
}

export function tablesOfPhase(phase: 3 | 4): DerivedTable[] {
  return DERIVED_TABLES.filter((t) => t.phase === phase);
}

/** Tables built (directly or not) from any of `names`, not among them: what a rollback leaves stale. */
export function dependantsOf(names: readonly DerivedTableName[]): DerivedTable[] {
  const reached = new Set<DerivedTableName>(names);
  // Catalog order is dependency order: one pass reaches every descendant.
  for (const table of DERIVED_TABLES) {
    if (table.dependsOn.some((d) => reached.has(d.table))) reached.add(table.name);
  }
  return DERIVED_TABLES.filter((t) => reached.has(t.name) && !names.includes(t.name));
}

export function findTable(name: string): Table | undefined {
  return ALL_TABLES.find((t) => t.name === name);
}
