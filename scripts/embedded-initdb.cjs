#!/usr/bin/env node
// Creates a new embedded Postgres (PGlite) data directory, then exits.
// Run by src/db/embeddedPostgres.ts in a process of its own on a first start: PGlite's initdb briefly needs
// several hundred MB (a second WASM instance and a copy of its heap) that a long-running process would keep
// resident afterwards; a short-lived process gives it all back to the system when it exits.
//   node scripts/embedded-initdb.cjs <dataDir> '<JSON of PGlite options: startParams, initDbStartParams>'
const { PGlite } = require('@electric-sql/pglite');

(async () => {
  const [dataDir, json] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: embedded-initdb.cjs <dataDir> [options JSON]');
  const opts = json ? JSON.parse(json) : {};
  const db = await PGlite.create({ dataDir, ...opts });
  await db.close();
})().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`embedded initdb failed: ${err.stack || err}\n`);
    process.exit(1);
  },
);
