#!/usr/bin/env node
// Part of `npm run build`, after tsc: the console (dist/ui/index.js with Ink, React, ink-table and
// ink-spinner) as one ES module, dist/console.bundle.js. Loading Ink's ~150 modules one by one is
// most of the console's first frame (0.57-0.63 s on a loaded 2-core machine); the same code as one
// file loads in 0.11-0.15 s. src/cli/console-ui.ts loads the bundle when it is there, else the
// modules. React's production build is chosen here (NODE_ENV), and Ink's optional devtools
// connection (never used: it needs DEV=true) is left out.
import {rolldown} from 'rolldown';
import {fileURLToPath} from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const noDevtools = {
  name: 'no-react-devtools',
  resolveId: (id) => (id === 'react-devtools-core' ? '\0no-react-devtools' : null),
  load: (id) => (id === '\0no-react-devtools' ? 'export default {initialize() {}, connectToDevTools() {}};' : null),
};
const bundle = await rolldown({
  input: `${dist}ui/index.js`,
  platform: 'node',
  plugins: [noDevtools],
  transform: {define: {'process.env.NODE_ENV': '"production"'}},
  logLevel: 'warn',
});
await bundle.write({file: `${dist}console.bundle.js`, format: 'esm', codeSplitting: false, sourcemap: false});
await bundle.close();
