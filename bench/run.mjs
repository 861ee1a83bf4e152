#!/usr/bin/env node
// `npm run bench`: runs every case in bench/cases (or those named on the command line), prints one
// table (what, figure, target, pass/fail) and writes it to bench/results/latest.json.
// Figures are wall-clock on a noisy 2-core machine: compare ratios measured in one run.
import {mkdirSync, readdirSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(join(here, 'cases'))
  .filter((f) => f.endsWith('.mjs'))
  .filter((f) => only.length === 0 || only.some((name) => f.includes(name)))
  .sort();

/** A row: {what, figure (number), unit, target (text), pass (boolean|null)}. */
const rows = [];
for (const file of files) {
  const started = Date.now();
  process.stderr.write(`bench: ${file} ...\n`);
  try {
    const mod = await import(join(here, 'cases', file));
    for (const row of await mod.run()) rows.push({case: file.replace(/\.mjs$/, ''), ...row});
  } catch (error) {
    rows.push({case: file.replace(/\.mjs$/, ''), what: 'case crashed', figure: NaN, unit: '', target: '', pass: false, note: String(error?.stack ?? error)});
  }
  process.stderr.write(`bench: ${file} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const fmt = (n) => (Number.isFinite(n) ? (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2)) : 'n/a');
const table = rows.map((r) => [r.case, r.what, `${fmt(r.figure)} ${r.unit ?? ''}`.trim(), r.target ?? '', r.pass === null || r.pass === undefined ? '-' : r.pass ? 'pass' : 'FAIL']);
const head = ['case', 'what', 'figure', 'target', 'result'];
const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of table) console.log(line(r));

mkdirSync(join(here, 'results'), {recursive: true});
writeFileSync(join(here, 'results', 'latest.json'), JSON.stringify({at: new Date().toISOString(), rows}, null, 2));
process.exitCode = rows.some((r) => r.pass === false) ? 1 : 0;
