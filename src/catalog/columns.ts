// Compact column lists for the catalog's table declarations (catalog/tables.ts, bookkeeping.ts,
// src/undo/tables.ts): a long list of `{name, type, doc}` objects hides the table in its braces.
import type {Column, ColumnType} from './types.js';

/** `cols('INT64', 'a b c')` → three INT64 columns; keeps long column lists readable. */
export function cols(type: ColumnType, names: string): Column[] {
  return names.trim().split(/\s+/).map((name) => ({name, type}));
}

/** `col('run_id', 'STRING', 'the run that ...')`: one column, its doc optional. */
export function col(name: string, type: ColumnType, doc?: string): Column {
  return doc === undefined ? {name, type} : {name, type, doc};
}
