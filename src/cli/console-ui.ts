// The console's module: the one-file bundle `npm run build` makes (dist/console.bundle.js, see
// scripts/bundle-console.mjs: it loads in a fifth of the time of Ink's modules one by one, which
// is most of the first frame), else the modules themselves (a build without the bundle, tests).
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

type ConsoleUi = typeof import('../ui/index.js');

export async function loadConsoleUi(): Promise<ConsoleUi> {
  const bundle = new URL('../console.bundle.js', import.meta.url);
  if (existsSync(fileURLToPath(bundle))) return (await import(bundle.href)) as ConsoleUi;
  return import('../ui/index.js');
}
