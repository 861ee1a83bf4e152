#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built by `npm run build`).
// React's production build: the development one checks every render and costs the console CPU.
// Set before React loads, hence the dynamic import.
process.env.NODE_ENV ??= 'production';
const {main} = await import('../dist/cli/main.js');

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (error) => { console.error(`backfill: ${error?.stack ?? error}`); process.exitCode = 1; },
);
