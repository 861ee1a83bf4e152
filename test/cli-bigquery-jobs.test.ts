// --max-bytes-per-job and --priority (and the config's maxBytesPerJob, priority, bytesMargin) reach
// the BigQuery adapter through the WarehouseRef, whichever command opens it; and the console's
// host and a detached run, started with the context's global arguments, get the same settings.
import {describe, expect, it} from 'vitest';
import {createContext} from '../src/cli/context.js';
import {parseConfig} from '../src/config.js';
import {bigQueryJobSettings} from '../src/cli/bigquery-options.js';

describe('BigQuery job settings', () => {
  it('the command line wins over the config and travels in the ref and the global arguments', () => {
    const context = createContext({target: 'bigquery', project: 'nba-data-warehouse-422817', maxBytesPerJob: '500GB', priority: 'batch'}, {});
    expect(context.warehouse).toMatchObject({engine: 'bigquery', jobs: {priority: 'BATCH', maxBytesPerJob: 500e9}});
    expect(context.bigquery.jobs).toEqual({priority: 'BATCH', maxBytesPerJob: 500e9});
    expect(context.globalArgs.join(' ')).toContain('--max-bytes-per-job 500GB --priority batch');
    const config = parseConfig({maxBytesPerJob: '1TiB', priority: 'interactive', bytesMargin: 2});
    expect(bigQueryJobSettings({}, config, 'bigquery')).toEqual({priority: 'INTERACTIVE', maxBytesPerJob: 2 ** 40, bytesMargin: 2});
    expect(bigQueryJobSettings({priority: 'batch', maxBytesPerJob: '10GiB'}, config, 'bigquery')).toEqual({priority: 'BATCH', maxBytesPerJob: 10 * 2 ** 30, bytesMargin: 2});
    // Nothing given: the adapter's defaults (INTERACTIVE, estimate × 1.5).
    expect(createContext({target: 'bigquery', project: 'nba-data-warehouse-422817'}, {}).bigquery.jobs).toEqual({});
  });

  it("the config's BigQuery keys are ignored on DuckDB; the flags are refused there", () => {
    const config = parseConfig({maxBytesPerJob: '1TiB', priority: 'batch', budget: '2TB'});
    expect(bigQueryJobSettings({}, config, 'duckdb')).toMatchObject({priority: 'BATCH'});
    expect(() => bigQueryJobSettings({priority: 'batch'}, config, 'duckdb')).toThrow(/^--priority sets BigQuery jobs' priority; this warehouse is DuckDB/);
    expect(() => bigQueryJobSettings({maxBytesPerJob: '1GB'}, config, 'duckdb')).toThrow(/^--max-bytes-per-job caps each BigQuery job's bytes billed; this warehouse is DuckDB/);
  });
});
