// Placeholder until the BigQuery adapter lands (issue 8).
import {UsageError} from '../errors.js';
import type {Warehouse} from './types.js';

export interface BigQueryOptions {
  readonly project: string | undefined;
  readonly location: string | undefined;
  readonly datasets?: Partial<Record<string, string>>;
  readonly env: NodeJS.ProcessEnv;
}

export async function openBigQuery(_options: BigQueryOptions): Promise<Warehouse> {
  throw new UsageError('the BigQuery target is not available yet');
}
