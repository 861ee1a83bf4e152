// Coverage on BigQuery from partition metadata: one INFORMATION_SCHEMA.PARTITIONS query per
// dataset answers "which dates does each table hold" for every table of it at once. The old
// scripts ran one COUNT per table and month; this reads metadata only (a 10 MB minimum charge per
// query, no table scan). Exact per-date COUNT(*)s, pruned by partition, remain validation's job.
import type {DerivedTable} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import type {Dialect} from '../queries/dialect.js';

/**
 * Partitions of `tables` (all in `dataset`, the dataset's real name) with at least one row and a
 * partition id in [start_date, end_date]. Partition ids of a DAY-partitioned table are
 * 'YYYYMMDD'; the special '__NULL__' and '__UNPARTITIONED__' sort after digits, so the range
 * excludes them.
 */
export function partitionCoverageStatement(d: Dialect, project: string, dataset: string, tables: readonly DerivedTable[]): string {
  const names = tables.map((t) => d.literal(t.name)).join(', ');
  return (
    `SELECT table_name, partition_id\n` +
    `FROM \`${project}.${dataset}.INFORMATION_SCHEMA.PARTITIONS\`\n` +
    `WHERE table_name IN (${names})\n` +
    `  AND partition_id BETWEEN FORMAT_DATE('%Y%m%d', ${d.param('start_date', 'DATE')}) AND FORMAT_DATE('%Y%m%d', ${d.param('end_date', 'DATE')})\n` +
    `  AND total_rows > 0`
  );
}

/** '20211101' → '2021-11-01' (null for anything that is not a day partition). */
export function partitionDate(partitionId: string): IsoDate | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(partitionId);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}
