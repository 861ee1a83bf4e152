// The fields of every `--log-format json` line, in order: the README's promise to scripts, written
// here once (not taken from the source, so that a field dropped there fails the tests).
export const JSON_LOG_FIELDS = [
  'time', 'level', 'event', 'processor', 'start', 'end', 'rows', 'duration_ms', 'attempt',
  'bytes_processed', 'bytes_billed', 'slot_ms', 'changes', 'feature_changes', 'message',
];
