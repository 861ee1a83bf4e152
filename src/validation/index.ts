// Validation (SPEC §5), pre-flight and the completion report: what the CLI, the runner and the
// console import.
export {validate, type ValidateOptions} from './validate.js';
export {preflight, type PreflightOptions} from './preflight.js';
export {buildCompletionReport, formatCompletionReport, type CompletionReport} from './report.js';
export {saveLastValidation, loadLastValidation, LAST_VALIDATION_FILE, type LastValidation} from './lastValidation.js';
export {formatValidation, validationMatrix, failureLines, shortName} from './summary.js';
export {dateRuns} from './dateRuns.js';
export {auditDates, AUDIT_DATES_PER_SEASON} from './pointInTime/sample.js';
export {AUDITED_TABLES} from './pointInTime/audit.js';
export type * from './types.js';
