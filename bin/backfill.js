#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built by `npm run build`).
// Signals first: loading the program takes ~0.3 s, and a SIGINT or SIGTERM meanwhile must get its
// one line and exit code, not Node's silent default (dist/headless/signals.js imports nothing).
// React's production build: the development one checks every render and costs the console CPU.
// Set before React loads, hence the dynamic imports.
const {installSignalHandling} = await import('../dist/headless/signals.js');
installSignalHandling();
process.env.NODE_ENV ??= 'production';
const {main} = await import('../dist/cli/main.js');

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (error) => { console.error(`backfill: ${error?.stack ?? error}`); process.exitCode = 1; },
);
