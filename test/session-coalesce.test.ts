// The coalescing of refreshes, without a warehouse: a burst of asks runs the work at most twice
// (the one in flight, then one for everyone who asked meanwhile), each ask resolves after a run
// that started after it, and a waiting run whose askers all left never starts.
import {describe, expect, it} from 'vitest';
import {Coalesced} from '../src/session/coalesce.js';

function gatedWork() {
  const gates: (() => void)[] = [];
  const work = new Coalesced(() => new Promise<void>((resolve) => gates.push(resolve)));
  const finishOne = async () => {
    gates.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return {work, gates, finishOne};
}

describe('coalesced work', () => {
  it('a burst of 1000 asks runs it twice, and every ask waits for a run that began after it', async () => {
    const {work, gates, finishOne} = gatedWork();
    const first = work.run();
    let laterDone = 0;
    const later = Array.from({length: 999}, () => work.run().then(() => laterDone++));
    expect(gates).toHaveLength(1);
    await finishOne();
    await first;
    expect(laterDone).toBe(0); // they asked while the first ran: they wait for the next run
    expect(gates).toHaveLength(1);
    await finishOne();
    await Promise.all(later);
    expect(laterDone).toBe(999);
    expect(gates).toHaveLength(0);
  });

  it('drops the waiting run when everyone who asked for it left; one who stays keeps it', async () => {
    const {work, gates, finishOne} = gatedWork();
    void work.run();
    const left = new AbortController();
    const waiting = Array.from({length: 10}, () => work.run(left.signal));
    left.abort();
    await Promise.all(waiting); // answered at once when their client left
    await finishOne();
    expect(gates).toHaveLength(0); // the waiting run never started

    void work.run();
    const leaving = new AbortController();
    void work.run(leaving.signal);
    const staying = work.run();
    leaving.abort();
    await finishOne();
    expect(gates).toHaveLength(1);
    await finishOne();
    await staying;
  });
});
