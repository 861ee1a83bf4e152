// Polling helpers for tests that watch other processes: a condition until it holds, a pid until it
// is gone. Failures name what was awaited.
export {processExists as alive} from '../../src/processes.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` (sync or async) every `intervalMs` until it holds; throws after `timeoutMs`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}
