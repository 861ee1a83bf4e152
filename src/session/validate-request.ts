// The console's validation, where the warehouse is open (the host): the SPEC §5 checks of the
// range, their progress on the status line, the failures in the job log, the report shown, then
// kept for `backfill report`. The validation code is loaded when first asked for.
import {derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {DateRange} from '../dates.js';
import {saveLastValidation} from '../validation/lastValidation.js';
import type {ValidationReport} from '../validation/types.js';
import {describeError} from '../warehouse/errors.js';
import type {SessionActionContext} from './action-context.js';

export async function validateInSession(c: SessionActionContext, range: DateRange, tables: readonly DerivedTableName[], show: (report: ValidationReport) => void): Promise<void> {
  let validate: typeof import('../validation/validate.js').validate;
  try {
    ({validate} = await import('../validation/validate.js'));
  } catch (error) {
    c.log('error', `validation is unavailable: ${describeError(error)}`);
    return;
  }
  const label = `validating ${range.start} → ${range.end}`;
  c.activity(label);
  try {
    const report = await validate(c.warehouse, {range, config: c.config, tables: tables.map(derivedTable), onProgress: (p) => c.activity(`${label}: ${p.done}/${p.total} checks`)});
    const failed = report.results.filter((r) => !r.passed);
    c.log(report.passed ? 'info' : 'warn', report.passed ? `validation passed: ${report.results.length} checks` : `validation: ${failed.length} of ${report.results.length} checks failed`);
    for (const r of failed) c.log('warn', `${r.check} ${r.table}: ${r.message}`);
    show(report);
    // Shown first: a state dir that cannot be written costs `backfill report` the results, not the operator.
    try {
      saveLastValidation(c.stateDir, report, c.key);
    } catch (error) {
      c.log('warn', `the validation results are shown but not kept for \`backfill report\`: ${describeError(error)}`);
    }
  } catch (error) {
    c.log('error', `validation failed to run: ${describeError(error)}`);
  } finally {
    c.activity(null);
  }
}
