// A processor's definition, fingerprinted: the SQL it generates for the engine (so a changed
// formula, constant or join is a new version), what it declares it reads, and MLFS's
// feature_version; for an external processor, its command. Computed against the engine's dialect
// with canonical names (no project, no renamed datasets), so moving a warehouse or renaming its
// datasets in the config does not make every date `code`-stale.
import {createHash} from 'node:crypto';
import {DERIVED_TABLES, FEATURE_VERSION, READS} from '../catalog/index.js';
import type {DerivedTable, DerivedTableName} from '../catalog/types.js';
import type {Config} from '../config.js';
import {bigquery, duckdb, type Dialect, type Engine} from '../queries/dialect.js';
import {processorFor} from '../queries/processors/index.js';

const CANONICAL: Record<Engine, Dialect> = {duckdb, bigquery: bigquery('project')};

export function definitionOf(engine: Engine, table: DerivedTable, command: readonly string[] | null): string {
  const what = {
    builds: command ? {command} : {sql: processorFor(table).select(CANONICAL[engine])},
    reads: READS[table.name],
    ...(table.name === 'ml_feature_store' ? {featureVersion: FEATURE_VERSION} : {}),
  };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex').slice(0, 16);
}

/** Every table's current definition on `engine` under `config` (its external commands). */
export function currentDefinitions(engine: Engine, config: Pick<Config, 'processors'>): Map<DerivedTableName, string> {
  return new Map(DERIVED_TABLES.map((t) => [t.name, definitionOf(engine, t, config.processors[t.name]?.command ?? null)]));
}
