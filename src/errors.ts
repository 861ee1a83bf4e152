// The two kinds of failure the command line distinguishes (SPEC §4 exit codes).

/** Bad input or configuration: one clear line, exit 2, nothing written. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** The warehouse is held by another process (a DuckDB write lock or a live run). */
export class WarehouseBusyError extends UsageError {
  constructor(message: string, readonly holderPid?: number) {
    super(message);
  }
}
