// Real BigQuery error payloads (test/fixtures/bigquery-errors, copied from Google's docs) mapped to
// the runner's retry behaviour, through the client library's own ApiError and the runner's
// classifyError, which is the one place the runner asks.
import {describe, expect, it} from 'vitest';
import {DEFAULT_RETRY, mayRetry, retryDelay} from '../src/runner/retry.js';
import {classifyError} from '../src/warehouse/errors.js';
import {BIGQUERY_RETRY, classifyBigQueryError, isJobAlreadyExists, toBigQueryJobError} from '../src/warehouse/bigquery-errors.js';
import {apiErrorFrom, errorFixture, errorFixtureNames} from './support/bigquery-fake.js';

const EXPECTED: Record<string, 'transient' | 'quota' | 'permanent'> = {
  'rate-limit-concurrent-queries': 'transient',
  'rate-limit-table-updates': 'transient',
  'rate-limit-partition-updates': 'transient',
  'backend-error': 'transient',
  'internal-error-job': 'transient',
  'too-many-requests-429': 'transient',
  'concurrent-dml-conflict': 'transient',
  'quota-bytes-scanned': 'quota',
  'quota-partition-modifications': 'quota',
  'invalid-query': 'permanent',
  'access-denied': 'permanent',
  'not-found': 'permanent',
  'duplicate-job': 'permanent',
  'bytes-billed-limit-job': 'permanent',
  'bytes-billed-limit-500': 'permanent',
};

describe('BigQuery error payloads → retry kind', () => {
  it('every fixture has an expectation (and every expectation a fixture)', () => {
    expect(errorFixtureNames()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, kind] of Object.entries(EXPECTED)) {
    it(`${name} → ${kind}`, () => {
      const fixture = errorFixture(name);
      expect(fixture.source).toMatch(/cloud\.google\.com/);
      const thrown = toBigQueryJobError(apiErrorFrom(fixture), 'backfill_run1_pgs_step');
      expect(thrown.retryKind).toBe(kind);
      expect(classifyError(thrown)).toBe(kind);
      expect(thrown.message).toContain('backfill_run1_pgs_step');
      expect(thrown.message.split('\n')).toHaveLength(1);
    });
  }

  it('a 5xx without any payload (a proxy) is transient; a 400 without one is permanent', () => {
    expect(classifyBigQueryError({code: 502, message: 'Bad Gateway'}).kind).toBe('transient');
    expect(classifyBigQueryError({code: 400, message: 'Bad Request'}).kind).toBe('permanent');
    expect(classifyBigQueryError(Object.assign(new Error('read ECONNRESET'), {code: 'ECONNRESET'})).kind).toBe('transient');
  });

  it('a "too many table update operations" message is a short-term limit even under a quotaExceeded reason', () => {
    const verdict = classifyBigQueryError({
      code: 403,
      errors: [{reason: 'quotaExceeded', message: 'Exceeded rate limits: too many table update operations for this table.'}],
    });
    expect(verdict.kind).toBe('transient');
  });

  it('permanent errors carry a next step and no link', () => {
    for (const name of ['invalid-query', 'access-denied', 'not-found']) {
      const message = toBigQueryJobError(apiErrorFrom(errorFixture(name)), 'job_1').message;
      const hint = message.slice(message.indexOf(' - ') + 3);
      expect(hint.length, message).toBeGreaterThan(10);
      expect(hint).not.toMatch(/https?:/);
    }
    expect(toBigQueryJobError(apiErrorFrom(errorFixture('access-denied')), 'job_1').message).toMatch(/Job User/);
    expect(toBigQueryJobError(apiErrorFrom(errorFixture('not-found')), 'job_1').message).toMatch(/backfill init --target bigquery --dry-run/);
  });

  it('refused or expired credentials are permanent and say how to log in again', () => {
    const expired = toBigQueryJobError(new Error('invalid_grant: Token has been expired or revoked.'), undefined);
    expect(expired.retryKind).toBe('permanent');
    expect(expired.message).toMatch(/^BigQuery request failed \(authError\): invalid_grant.* - .*gcloud auth application-default login/);
    expect(classifyBigQueryError({code: 401, message: 'Request had invalid authentication credentials.'}).reason).toBe('authError');
  });

  it('recognises "already exists" for our own job id', () => {
    expect(isJobAlreadyExists(apiErrorFrom(errorFixture('duplicate-job')))).toBe(true);
    expect(isJobAlreadyExists(apiErrorFrom(errorFixture('not-found')))).toBe(false);
  });

  it('the runner retries transient errors from 1 s doubling to 32 s with the BigQuery policy, quota errors longer', () => {
    const policy = {...DEFAULT_RETRY, ...BIGQUERY_RETRY, maxAttempts: 8};
    const ceilings = [1, 2, 3, 4, 5, 6, 7].map((attempt) => retryDelay(policy, attempt, 'transient', () => 1));
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 32_000]);
    expect(mayRetry(policy, 1, 'permanent')).toBe(false);
    expect(retryDelay(policy, 1, 'quota', () => 1)).toBeGreaterThan(retryDelay(policy, 1, 'transient', () => 1));
  });
});
