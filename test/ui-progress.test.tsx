// showProgress: the bar before the console opens (demo creation), on a terminal and as plain lines.
import {PassThrough} from 'node:stream';
import {stripVTControlCharacters} from 'node:util';
import {describe, expect, test} from 'vitest';
import {progressBar, showProgress} from '../src/ui/progress.js';

function stream(isTTY: boolean) {
  const out = new PassThrough() as PassThrough & {isTTY?: boolean; columns?: number; rows?: number};
  out.isTTY = isTTY;
  out.columns = 80;
  out.rows = 24;
  let text = '';
  out.on('data', (chunk) => (text += String(chunk)));
  return {out: out as unknown as NodeJS.WriteStream, text: () => stripVTControlCharacters(text)};
}

describe('showProgress', () => {
  test('draws a bar that fills, Unicode or ASCII', () => {
    expect(progressBar({done: 1, total: 4, label: ''}, 8, true)).toBe('██░░░░░░  25%');
    expect(progressBar({done: 4, total: 4, label: ''}, 8, false)).toBe('######## 100%');
    expect(progressBar({done: 0, total: 0, label: ''}, 4, false)).toBe('----   0%');
  });

  test('without a terminal it prints one line per tenth and resolves with the task result', async () => {
    const {out, text} = stream(false);
    const result = await showProgress(
      'creating the demo',
      async (report) => {
        for (let i = 0; i <= 100; i++) report(i, 100, i === 50 ? 'halfway' : undefined);
        return 42;
      },
      {stdout: out, env: {}},
    );
    expect(result).toBe(42);
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(12); // 0%..100% and the closing line
    expect(lines[5]).toBe('creating the demo: 50% halfway');
    expect(lines.at(-1)).toMatch(/^creating the demo: done in \d+s$/);
  });

  test('on a terminal it redraws a bar with the current step, and takes it down on failure', async () => {
    const {out, text} = stream(true);
    const failing = showProgress(
      'creating the demo',
      async (report) => {
        report(30, 100, 'simulating 2021-22');
        await new Promise((resolve) => setTimeout(resolve, 150));
        throw new Error('disk full');
      },
      {stdout: out, env: {LANG: 'C.UTF-8'}},
    );
    await expect(failing).rejects.toThrow('disk full');
    expect(text()).toContain('creating the demo');
    expect(text()).toContain('30%');
    expect(text()).toContain('simulating 2021-22');
    expect(text()).not.toContain('done in');
  });
});
