#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built by `npm run build`).
import {main} from '../dist/cli/main.js';

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (error) => { console.error(`backfill: ${error?.stack ?? error}`); process.exitCode = 1; },
);
