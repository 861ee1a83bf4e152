// The console's path loads only what the console draws: no subcommand named means none of the
// other commands' modules (DuckDB, the processors' SQL, validation, execa, conf) is imported by
// the console process. Needs `npm run build`.
import {spawnSync} from 'node:child_process';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {opensConsole} from '../src/cli/main.js';
import {assertBuilt, ROOT} from './support/cli.js';

describe('the console path', () => {
  it('is taken only when no subcommand (nor help) is named', () => {
    for (const args of [[], ['--warehouse', 'w.duckdb'], ['--state-dir=/s', '--no-tty'], ['--notify', 'page-me', '--target', 'bigquery', '--project', 'p']]) {
      expect(opensConsole(args), JSON.stringify(args)).toBe(true);
    }
    for (const args of [['status'], ['--warehouse', 'w', 'run'], ['--help'], ['-V'], ['nonsense'], ['--bogus'], ['--', 'x']]) {
      expect(opensConsole(args), JSON.stringify(args)).toBe(false);
    }
  });

  it('imports no DuckDB, execa, conf or processor SQL', () => {
    assertBuilt();
    // A resolve hook lists every module the console's entry points load.
    const hook = `export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('LOAD ' + r.url + '\\n'); return r; }`;
    const script = [
      "import {register} from 'node:module';",
      `register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`,
      `await import(${JSON.stringify(join(ROOT, 'dist/cli/main.js'))});`,
      `await import(${JSON.stringify(join(ROOT, 'dist/cli/commands/console.js'))});`,
      `await import(${JSON.stringify(join(ROOT, 'dist/cli/console-ui.js'))}).then((m) => m.loadConsoleUi());`,
    ].join('\n');
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {encoding: 'utf8', env: {...process.env, NODE_ENV: 'production'}});
    expect(result.status, result.stderr).toBe(0);
    const urls = result.stderr.split('\n').filter((l) => l.startsWith('LOAD ')).map((l) => l.slice(5));
    expect(urls.some((u) => u.includes('/ink/') || u.endsWith('console.bundle.js'))).toBe(true); // it did load the console
    for (const forbidden of ['@duckdb/node-api', '/execa/', '/conf/', '/dist/queries/processors/', '/dist/validation/', '/dist/runner/scheduler.js']) {
      expect(urls.filter((u) => u.includes(forbidden)), forbidden).toEqual([]);
    }
  });
});
