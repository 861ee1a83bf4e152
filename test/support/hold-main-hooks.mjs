// Module hooks for hold-main.mjs (they run on Node's loader thread).
import {writeFileSync} from 'node:fs';

export async function load(url, context, nextLoad) {
  const marker = process.env.BACKFILL_TEST_HOLD_MARKER;
  if (marker && url.endsWith('/dist/cli/main.js')) {
    writeFileSync(marker, 'loading');
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.BACKFILL_TEST_HOLD_MS ?? 5000)));
  }
  return nextLoad(url, context);
}
