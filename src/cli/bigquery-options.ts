// The BigQuery job settings of a command (--priority, --max-bytes-per-job, and the config's
// priority, maxBytesPerJob, bytesMargin): parsed once into what the adapter takes, so that every
// command opening BigQuery (a run, the console's host, validate, rollback) submits its jobs the same
// way; and the options that mean nothing on DuckDB refused there in one line, rather than ignored.
// The config's keys are not refused on DuckDB: a shared file may name the production settings
// while `--target duckdb` points at the demo (as project and datasets are ignored there).
import type {Config} from '../config.js';
import {UsageError} from '../errors.js';
import type {Priority} from '../limits.js';
import type {JobPriority} from '../warehouse/bigquery-client.js';
import type {BigQueryJobSettings} from '../warehouse/ref.js';
import {parseSize} from '../warehouse/sizes.js';

export interface BigQueryJobFlags {
  readonly maxBytesPerJob?: string;
  readonly priority?: Priority;
}

const JOB_PRIORITY: Readonly<Record<Priority, JobPriority>> = {interactive: 'INTERACTIVE', batch: 'BATCH'};

/** What a BigQuery-only option does, for the refusal on DuckDB. */
const BIGQUERY_ONLY = {
  '--max-bytes-per-job': "caps each BigQuery job's bytes billed",
  '--priority': "sets BigQuery jobs' priority",
  '--budget': 'bounds the bytes a BigQuery run may bill',
} as const;

/** A UsageError for an option only BigQuery understands, given for a DuckDB warehouse. */
export function refuseOnDuckDb(flag: keyof typeof BIGQUERY_ONLY): UsageError {
  return new UsageError(`${flag} ${BIGQUERY_ONLY[flag]}; this warehouse is DuckDB, which bills nothing: drop ${flag}, or use --target bigquery`);
}

/** The command line wins over the config; the size is checked whatever the target (a typo is a typo). */
export function bigQueryJobSettings(flags: BigQueryJobFlags, config: Config, target: 'duckdb' | 'bigquery'): BigQueryJobSettings {
  const maxBytesPerJob = flags.maxBytesPerJob !== undefined ? parseSize(flags.maxBytesPerJob, '--max-bytes-per-job') : config.maxBytesPerJob;
  if (target === 'duckdb') {
    if (flags.maxBytesPerJob !== undefined) throw refuseOnDuckDb('--max-bytes-per-job');
    if (flags.priority !== undefined) throw refuseOnDuckDb('--priority');
  }
  const priority = flags.priority ?? config.priority;
  return {
    ...(priority !== undefined ? {priority: JOB_PRIORITY[priority]} : {}),
    ...(maxBytesPerJob !== undefined ? {maxBytesPerJob} : {}),
    ...(config.bytesMargin !== undefined ? {bytesMargin: config.bytesMargin} : {}),
  };
}

/** The same settings as options for a child process of this program (the console's host, a detached run). */
export function bigQueryJobArgs(flags: BigQueryJobFlags): string[] {
  return [
    ...(flags.maxBytesPerJob !== undefined ? ['--max-bytes-per-job', flags.maxBytesPerJob] : []),
    ...(flags.priority !== undefined ? ['--priority', flags.priority] : []),
  ];
}
