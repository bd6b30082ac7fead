import fs from 'node:fs';
import path from 'node:path';

/**
 * Embedded Postgres for zero set-up: PGlite (Postgres compiled to WASM) served on a local port,
 * so the service talks to it through the same `pg` + Prisma code path as a real server.
 * PGlite handles one connection at a time: callers must use a pool of one.
 */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: { dataDir?: string; port?: number }): Promise<EmbeddedPostgres> {
  // Loaded lazily: PGlite's modules are only needed in embedded mode.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  let dbPath: string | undefined;
  if (opts.dataDir) {
    dbPath = path.join(opts.dataDir, 'pgdata');
    fs.mkdirSync(dbPath, { recursive: true });
  }
  const db = await PGlite.create(dbPath ? { dataDir: dbPath } : {});
  const server = new PGLiteSocketServer({
    db,
    port: opts.port ?? 0,
    host: '127.0.0.1',
    // Our pool holds one connection, but pg replaces a connection after some query errors while the old one
    // is still closing; a second slot lets the replacement in instead of being refused.
    maxConnections: 2,
  });
  await server.start();
  const address = (server as unknown as { server?: { address(): { port: number } } }).server?.address();
  const port = address?.port ?? opts.port;
  if (!port) throw new Error('embedded Postgres did not report its port');
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
