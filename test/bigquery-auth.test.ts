// Application Default Credentials are found (or their absence reported) offline and at once.
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {UsageError} from '../src/errors.js';
import {warehouseKey} from '../src/runner/index.js';
import {AUTHENTICATE_HINT, findCredentials, type CredentialProbe} from '../src/warehouse/bigquery-auth.js';
import {openBigQuery} from '../src/warehouse/bigquery.js';

function probe(files: Record<string, string> = {}): CredentialProbe {
  return {exists: (p) => p in files, read: (p) => files[p], home: () => '/home/op', platform: 'linux'};
}

describe('finding Application Default Credentials', () => {
  it('GOOGLE_APPLICATION_CREDENTIALS first; a dangling path is a configuration error', () => {
    expect(findCredentials({GOOGLE_APPLICATION_CREDENTIALS: '/keys/sa.json'}, probe({'/keys/sa.json': '{}'}))).toEqual({kind: 'env-file', path: '/keys/sa.json'});
    expect(() => findCredentials({GOOGLE_APPLICATION_CREDENTIALS: '/keys/gone.json'}, probe())).toThrow(/gone\.json.*does not exist/);
  });

  it("gcloud's well-known file, under HOME or CLOUDSDK_CONFIG", () => {
    const adc = '/home/op/.config/gcloud/application_default_credentials.json';
    expect(findCredentials({HOME: '/home/op'}, probe({[adc]: '{}'}))).toEqual({kind: 'gcloud-adc', path: adc});
    expect(findCredentials({CLOUDSDK_CONFIG: '/etc/gc'}, probe({'/etc/gc/application_default_credentials.json': '{}'}))?.kind).toBe('gcloud-adc');
    expect(findCredentials({CLOUDSDK_CONFIG: '/etc/gc', HOME: '/home/op'}, probe({[adc]: '{}'}))).toBeNull();
  });

  it('a Google runtime (env) or a Compute Engine VM (DMI) serves credentials from the metadata server', () => {
    expect(findCredentials({K_SERVICE: 'backfill'}, probe())?.kind).toBe('metadata');
    expect(findCredentials({}, probe({'/sys/class/dmi/id/product_name': 'Google Compute Engine\n'}))?.kind).toBe('metadata');
    expect(findCredentials({}, probe({'/sys/class/dmi/id/product_name': 'KVM\n'}))).toBeNull();
  });
});

describe('openBigQuery', () => {
  const empty = mkdtempSync(join(tmpdir(), 'bq-auth-'));
  const bare = {HOME: empty, CLOUDSDK_CONFIG: join(empty, 'gcloud')};

  it('without credentials: one line on how to authenticate, as a UsageError (exit 2), at once', async () => {
    const started = performance.now();
    const error = await openBigQuery({project: 'nba-data-warehouse-422817', location: 'US', env: bare}).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as Error).message).toBe(AUTHENTICATE_HINT);
    expect(AUTHENTICATE_HINT).toContain('gcloud auth application-default login');
    expect(AUTHENTICATE_HINT).toContain('GOOGLE_APPLICATION_CREDENTIALS');
    expect(AUTHENTICATE_HINT).not.toContain('\n');
  });

  it('needs a valid project id and dataset names (they are spliced into SQL identifiers)', async () => {
    await expect(openBigQuery({project: undefined, location: undefined, env: bare})).rejects.toThrow(/--project/);
    await expect(openBigQuery({project: 'x`; DROP', location: undefined, env: bare})).rejects.toThrow(/not a BigQuery project id/);
    await expect(openBigQuery({project: 'nba-data-warehouse-422817', location: undefined, datasets: {nba_raw: 'raw-v2'}, env: bare})).rejects.toThrow(
      /datasets\.nba_raw/,
    );
  });

  it('with credentials it builds the real client (no network until a job is submitted)', async () => {
    const key = join(empty, 'key.json');
    writeFileSync(key, '{}');
    const warehouse = await openBigQuery({
      project: 'nba-data-warehouse-422817',
      location: 'US',
      datasets: {nba_analytics: 'nba_analytics'},
      env: {...bare, GOOGLE_APPLICATION_CREDENTIALS: key},
    });
    expect(warehouse.engine).toBe('bigquery');
    expect(warehouse.description).toBe('bigquery:nba-data-warehouse-422817'); // the location is not part of its identity
    expect(warehouse.dialect.table({dataset: 'nba_raw', name: 'shot_chart'})).toBe('`nba-data-warehouse-422817.nba_raw.shot_chart`');
    // One lock and one resume state per project: a command without --location sees the run with it.
    const elsewhere = await openBigQuery({project: 'nba-data-warehouse-422817', location: undefined, env: {...bare, GOOGLE_APPLICATION_CREDENTIALS: key}});
    expect(warehouseKey(elsewhere)).toBe(warehouseKey(warehouse));
  });
});
