// The ML feature store's features, as the change report counts them: its numeric and boolean
// columns that are not the key, the player's id, a target (targets come from the game itself, not
// from before it) or lineage. Read from the catalog, so a new feature column is reported by itself.
import type {Column, DerivedTable} from '../catalog/types.js';

const NOT_FEATURES = new Set(['player_id', 'processed_at', 'run_id']);

export function featureColumns(table: DerivedTable): Column[] {
  if (table.name !== 'ml_feature_store') return [];
  return table.columns.filter(
    (c) => (c.type === 'FLOAT64' || c.type === 'INT64' || c.type === 'BOOL') && !table.key.includes(c.name) && !NOT_FEATURES.has(c.name) && !c.name.startsWith('target_'),
  );
}
