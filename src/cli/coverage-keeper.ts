// Keeps the coverage snapshot of the warehouse a console shows (src/state/coverage-cache.ts): the
// first live coverage at once (the next console draws from it), then at most once a minute while
// batches move it, and the last one when the console leaves. Writes are small and atomic; a
// state dir that does not take them is no concern of the console's.
import type {CoverageSnapshot} from '../runner/types.js';
import {saveCoverageSnapshot} from '../state/coverage-cache.js';
import type {Session} from '../session/types.js';
import type {CliContext} from './context.js';

const SAVE_EVERY_MS = 60_000;

export function keepCoverageSnapshot(context: Pick<CliContext, 'stateDir' | 'warehouse'>, session: Session): {stop(): void} {
  let saved: CoverageSnapshot | null = null;
  let savedAt = 0;
  let latest: CoverageSnapshot | null = null;
  const save = (coverage: CoverageSnapshot) => {
    saved = coverage;
    savedAt = Date.now();
    saveCoverageSnapshot(context.stateDir, context.warehouse.identity, coverage);
  };
  const unsubscribe = session.subscribe(() => {
    const {coverage, coverageAsOf} = session.getState();
    if (!coverage || coverageAsOf !== undefined) return; // the cached one, not news
    latest = coverage;
    if (saved === null || (coverage !== saved && Date.now() - savedAt >= SAVE_EVERY_MS)) save(coverage);
  });
  return {
    stop() {
      unsubscribe();
      if (latest && latest !== saved) save(latest);
    },
  };
}
