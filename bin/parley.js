#!/usr/bin/env node
'use strict';
/**
 * `npx parley <command>`: runs the compiled CLI (dist/, from `npm run build`) when there is one,
 * otherwise the TypeScript source through tsx (a dev dependency), so it works straight from a checkout.
 * In a checkout where the source was edited after the last build, the source wins (when tsx is there):
 * a stale build must not quietly run old code against the database.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const built = path.join(root, 'dist', 'src', 'cli', 'main.js');
const source = path.join(root, 'src', 'cli', 'main.ts');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function canRunSource() {
  if (!fs.existsSync(source)) return false;
  try {
    require.resolve('tsx/cjs');
    return true;
  } catch {
    return false;
  }
}

function useBuild() {
  if (!fs.existsSync(built)) return false;
  if (!canRunSource()) return true;
  return fs.statSync(built).mtimeMs >= newestMtime(path.join(root, 'src'));
}

let cli;
if (useBuild()) {
  cli = require(built);
} else if (canRunSource()) {
  require('tsx/cjs');
  cli = require(source);
} else {
  process.stderr.write('parley: no build found (run "npm run build") and tsx is not installed to run the source.\n');
  process.exit(1);
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
