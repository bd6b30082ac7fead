#!/usr/bin/env node
// Serves an embedded Postgres (PGlite) on a local port and prints {"url": ...} once ready.
// Tests start one per test file as a child process: PGlite's WASM loader needs a plain Node
// process (it cannot run inside jest's module sandbox). Exits when its parent closes stdin.
//   node scripts/embedded-postgres.cjs [dataDir]
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

(async () => {
  const dataDir = process.argv[2];
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 2 }); // see src/db/embeddedPostgres.ts
  await server.start();
  const port = server.server.address().port;
  process.stdout.write(JSON.stringify({ url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable` }) + '\n');
  const stop = async () => {
    await server.stop().catch(() => {});
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
