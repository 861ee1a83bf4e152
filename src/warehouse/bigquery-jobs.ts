// How a statement becomes a BigQuery job request: a deterministic job id and labels from what the
// statement is for, and typed named parameters (values never spliced into SQL text).
import {createHash, randomUUID} from 'node:crypto';
import type {ColumnType} from '../catalog/types.js';
import type {JobIdentity, Params} from './types.js';

/** A named query parameter in the REST form of jobs.insert (configuration.query.queryParameters). */
export interface QueryParameter {
  readonly name: string;
  readonly parameterType: {readonly type: BigQueryParameterType};
  /** `value` absent means SQL NULL. */
  readonly parameterValue: {readonly value?: string};
}

export type BigQueryParameterType = 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'DATE' | 'TIMESTAMP';

const PARAMETER_TYPES: Record<ColumnType, BigQueryParameterType> = {
  STRING: 'STRING', INT64: 'INT64', FLOAT64: 'FLOAT64', BOOL: 'BOOL', DATE: 'DATE', TIMESTAMP: 'TIMESTAMP',
};

/** `@name` occurrences in the statement (a parameter BigQuery would look for). */
export function referencedParameters(sql: string): Set<string> {
  return new Set([...sql.matchAll(/@([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
}

/**
 * The statement's parameters, typed. Only those the SQL names are sent (the others belong to
 * sibling statements); a name the SQL uses but `params` lacks is a bug caught before submitting.
 */
export function toQueryParameters(sql: string, params: Params): QueryParameter[] {
  const wanted = referencedParameters(sql);
  const out: QueryParameter[] = [];
  for (const name of wanted) {
    const param = params[name];
    if (!param) throw new Error(`the statement uses @${name} but no value was given for it`);
    out.push({
      name,
      parameterType: {type: PARAMETER_TYPES[param.type]},
      parameterValue: param.value === null ? {} : {value: String(param.value)},
    });
  }
  return out;
}

// Job ids: letters, digits, underscores and dashes, at most 1,024 characters.
const JOB_ID_MAX = 1024;

/**
 * The same run, processor, step and statement always give the same job id, so a resubmission
 * (the client library's retry of jobs.insert, a resumed run) finds the job it already created
 * instead of running the MERGE twice. Steps differ per batch and attempt, so a deliberate retry
 * gets a fresh job; the statement's fingerprint (SQL and parameter values) keeps two different
 * statements of one step from ever sharing a job.
 */
export function jobIdFor(identity: JobIdentity, sql: string, params: Params): string {
  const fingerprint = createHash('sha256')
    .update(sql)
    .update(JSON.stringify(Object.entries(params).sort(([a], [b]) => a.localeCompare(b))))
    .digest('hex')
    .slice(0, 12);
  const raw = `backfill_${identity.runId}_${identity.processor}_${identity.step}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const head = raw.length + fingerprint.length + 1 <= JOB_ID_MAX ? raw : raw.slice(0, JOB_ID_MAX - fingerprint.length - 1);
  return `${head}_${fingerprint}`;
}

/** A new job id that still says what it was for (reads: never answered by an older job). */
export function freshJobId(identity: JobIdentity): string {
  const raw = `backfill_${identity.runId}_${identity.processor}_${identity.step}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 900);
  return `${raw}_${randomUUID().replaceAll('-', '')}`;
}

/** Label values: lowercase letters, digits, `_` and `-`, at most 63 characters. */
export function labelValue(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63);
}

/** Job labels, so that billing exports and INFORMATION_SCHEMA.JOBS can be grouped by run and processor. */
export function labelsFor(identity: JobIdentity | undefined, purpose: string): Record<string, string> {
  const labels: Record<string, string> = {app: 'backfill', purpose: labelValue(purpose)};
  if (identity) {
    labels.processor = labelValue(identity.processor);
    labels.run_id = labelValue(identity.runId);
  }
  return labels;
}
