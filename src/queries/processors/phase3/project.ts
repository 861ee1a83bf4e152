// The final projection of a processor: exactly the catalog's columns, in the catalog's order, each
// cast to its catalog type, so that both engines write the same types (BigQuery's INSERT ROW takes
// the source columns positionally) and a missing or extra column fails when the SQL is built.
import type {DerivedTable} from '../../../catalog/types.js';
import type {Dialect} from '../../dialect.js';
import {selectedColumns} from '../../write.js';

/** A column's SQL with the formula it implements, printed as a comment above it (`backfill sql`). */
export interface Formula {
  readonly formula: string;
  readonly sql: string;
}

export function formula(text: string, sql: string): Formula {
  return {formula: text, sql};
}

/**
 * `SELECT`-list text: `CAST(<expr> AS <type>) AS <column>` for every non-lineage column, each
 * formula written as a SQL comment above its column so that reviewers of the SQL see it too.
 */
export function projectColumns(d: Dialect, table: DerivedTable, exprs: Readonly<Record<string, string | Formula>>): string {
  const wanted = selectedColumns(table);
  const missing = wanted.filter((name) => !(name in exprs));
  const extra = Object.keys(exprs).filter((name) => !wanted.includes(name));
  if (missing.length || extra.length) {
    throw new Error(`${table.name}: projection missing [${missing.join(', ')}], unknown [${extra.join(', ')}]`);
  }
  const types = new Map(table.columns.map((c) => [c.name, c.type]));
  return wanted
    .map((name) => {
      const value = exprs[name];
      const sql = typeof value === 'string' ? value : value.sql;
      const comment = typeof value === 'string' ? '' : `  -- ${name}: ${value.formula}\n`;
      return `${comment}  CAST(${sql} AS ${d.columnType(types.get(name)!)}) AS ${d.ident(name)}`;
    })
    .join(',\n');
}

/** Columns carried as they are from `alias`'s row: `copied('t', ['season'])` is `{season: 't.season'}`. */
export function copied(alias: string, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, `${alias}.${name}`]));
}

/** What says which team-game a row is, carried from the team's row by TOGS, TDGS and UTGC. */
export const TEAM_GAME_COLUMNS = ['game_date', 'game_id', 'team_abbr', 'opponent_team_abbr', 'season', 'is_home'] as const;

/** The range parameters every processor filters on. */
export function rangeBounds(d: Dialect): {readonly start: string; readonly end: string} {
  return {start: d.param('start_date', 'DATE'), end: d.param('end_date', 'DATE')};
}

/** `WITH a AS (...), b AS (...)` from named bodies, in order. */
export function withClause(ctes: ReadonlyArray<readonly [string, string]>): string {
  return `WITH\n${ctes.map(([name, body]) => `${name} AS (\n${body.replace(/^\n+/, '').trimEnd()}\n)`).join(',\n')}`;
}
