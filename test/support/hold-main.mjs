// `node --import ./hold-main.mjs bin/backfill.js ...`: holds the import of dist/cli/main.js (the
// program's heavy part) for BACKFILL_TEST_HOLD_MS, after writing BACKFILL_TEST_HOLD_MARKER. A test
// then knows the launcher is running and the program is still loading, and signals it right then:
// the first ~0.5 s of every start, made as long as the test needs instead of raced.
import {register} from 'node:module';

register('./hold-main-hooks.mjs', import.meta.url);
