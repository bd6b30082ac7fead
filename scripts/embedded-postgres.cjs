#!/usr/bin/env node
// Serves an embedded Postgres (PGlite) on a local port and prints {"url": ...} once ready.
// Tests start one per test file as a child process: PGlite's WASM loader needs a plain Node
// process (it cannot run inside jest's module sandbox). Exits when its parent closes stdin.
// It serves PGlite through the same wire server as Parley's embedded mode (src/db/pgliteWireServer.ts,
// loaded from source with tsx, so tests need no build).
//   node scripts/embedded-postgres.cjs [dataDir]
require('tsx/cjs');
const { PGlite } = require('@electric-sql/pglite');
const { servePglite } = require('../src/db/pgliteWireServer.ts');

(async () => {
  const dataDir = process.argv[2];
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const server = await servePglite(db, { host: '127.0.0.1', port: 0 });
  process.stdout.write(JSON.stringify({ url: `postgresql://postgres@127.0.0.1:${server.port}/postgres?sslmode=disable` }) + '\n');
  const stop = async () => {
    await server.close().catch(() => {});
    await db.close().catch(() => {});
    process.exit(0);
  };
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
})().catch((err) => {
  process.stderr.write(`embedded postgres failed: ${err.stack || err}\n`);
  process.exit(1);
});
