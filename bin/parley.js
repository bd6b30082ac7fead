#!/usr/bin/env node
'use strict';
/**
 * `npx parley <command>`: runs the compiled CLI when there is one (npm run build), otherwise the
 * TypeScript source through tsx (a dev dependency), so it works straight from a checkout.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const built = path.join(root, 'dist', 'src', 'cli', 'main.js');

let cli;
if (fs.existsSync(built)) {
  cli = require(built);
} else {
  try {
    require('tsx/cjs');
  } catch {
    process.stderr.write('parley: no build found (run "npm run build") and tsx is not installed to run the source.\n');
    process.exit(1);
  }
  cli = require(path.join(root, 'src', 'cli', 'main.ts'));
}

cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`parley: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
