import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { servePglite } from './pgliteWireServer';

/**
 * Embedded Postgres for zero set-up: PGlite (Postgres compiled to WASM) served on a local port,
 * so the service talks to it through the same `pg` + Prisma code path as a real server.
 * PGlite handles one connection at a time: callers must use a pool of one.
 */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Settings sized for a small server (PGlite's defaults are initdb's: 128 MB of shared buffers, all touched at
 * start-up). PGlite already runs without fsync (-F); nothing here relaxes durability further.
 * - shared_buffers 2 MB: all of it is resident for the life of the process (WASM memory never shrinks), so it is
 *   kept small; thread reads are served from Parley's own cache and the OS page cache holds the data directory
 *   (8 writers: 248/s at 8 MB, 233/s at 2 MB; each MB here is a MB of idle memory).
 * - work_mem, temp_buffers, maintenance_work_mem: sorts and index builds of a one-connection database.
 * - wal_buffers 256 kB (resident too), min/max_wal_size: a small, recycled WAL (64-128 MB of pg_wal otherwise).
 */
export const EMBEDDED_PG_SETTINGS: Record<string, string> = {
  shared_buffers: '2MB',
  work_mem: '2MB',
  temp_buffers: '2MB',
  maintenance_work_mem: '16MB',
  wal_buffers: '256kB',
  min_wal_size: '32MB',
  max_wal_size: '64MB',
  max_connections: '10',
};

/** PGlite's own start parameters, then ours (later ones win). */
export async function embeddedStartParams(): Promise<string[]> {
  const { PGlite } = await import('@electric-sql/pglite');
  const defaults = (PGlite as unknown as { defaultStartParams?: string[] }).defaultStartParams ?? [];
  return [...defaults, ...Object.entries(EMBEDDED_PG_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
}

export async function startEmbeddedPostgres(opts: { dataDir?: string; port?: number }): Promise<EmbeddedPostgres> {
  // Loaded lazily: PGlite's modules are only needed in embedded mode.
  const { PGlite } = await import('@electric-sql/pglite');
  const params = await embeddedStartParams();
  let dbPath: string | undefined;
  if (opts.dataDir) {
    dbPath = path.join(opts.dataDir, 'pgdata');
    if (!fs.existsSync(path.join(dbPath, 'PG_VERSION'))) await createDataDirectory(dbPath, params);
  }
  const fsBundle = runtimeFsBundle(); // PGlite only calls arrayBuffer() on it
  const db = await PGlite.create({ ...(dbPath ? { dataDir: dbPath } : {}), startParams: params, ...(fsBundle ? { fsBundle: fsBundle as unknown as Blob } : {}) });
  const server = await servePglite(db, { host: '127.0.0.1', port: opts.port ?? 0 });
  return {
    url: `postgresql://postgres@127.0.0.1:${server.port}/postgres?sslmode=disable`,
    async stop() {
      await server.close();
      await db.close();
    },
  };
}

/**
 * A new data directory, made beside its final place and renamed into it once complete: a start interrupted
 * half-way (a kill, a full disk) leaves no half-made database that the next start would try to open.
 */
async function createDataDirectory(dbPath: string, params: string[]): Promise<void> {
  const staging = `${dbPath}.new-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  try {
    if (!(await unpackTemplate(staging))) await initdbInChildProcess(staging, params);
    fs.rmSync(dbPath, { recursive: true, force: true }); // an empty or half-made leftover, never a database (no PG_VERSION)
    fs.renameSync(staging, dbPath);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Where scripts/makeEmbeddedTemplate.ts keeps a new data directory for the installed PGlite version. */
export function embeddedTemplateFile(): string {
  const pkg = path.resolve(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const version = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
  return path.join(projectRoot(), 'assets', 'embedded', `pgdata-pglite-${version}.tar.gz`);
}

/**
 * A first start unpacks the ready-made data directory (a few MB, with tar) rather than running PGlite's initdb,
 * whose peak (~600 MB) alone would overflow a 512 MB server. False when there is none for this PGlite version
 * or it cannot be unpacked: the caller then runs initdb.
 */
async function unpackTemplate(dbPath: string): Promise<boolean> {
  const file = embeddedTemplateFile();
  if (!fs.existsSync(file)) return false;
  const tar = spawn('tar', ['-xzf', file, '-C', dbPath], { stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => {
    tar.once('error', () => resolve(-1));
    tar.once('exit', (c) => resolve(c));
  });
  if (code === 0 && fs.existsSync(path.join(dbPath, 'PG_VERSION'))) return true;
  fs.rmSync(dbPath, { recursive: true, force: true });
  fs.mkdirSync(dbPath, { recursive: true });
  return false;
}

/** A new data directory, made by scripts/embedded-initdb.cjs in a process of its own (see there why). */
async function initdbInChildProcess(dbPath: string, params: string[]): Promise<void> {
  const script = path.join(projectRoot(), 'scripts/embedded-initdb.cjs');
  const initParams = Object.entries(EMBEDDED_PG_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const child = spawn(process.execPath, ['--liftoff-only', script, dbPath, JSON.stringify({ startParams: params, initDbStartParams: initParams })], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) {
    throw new Error(`could not create the embedded database in ${dbPath}: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
  }
}

/** The folder holding package.json (src/db in development, dist/src/db when built). */
function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/**
 * PGlite's bundle of files (pglite.data, 6 MB) stays in memory for the life of the process. A running server
 * never reads some of them: initdb's inputs (new data directories come from our template or a child process),
 * the loadable modules but PL/pgSQL (client-encoding converters: clients here speak UTF8; snowball stemming:
 * Parley runs no text search; replication; build files) and ICU's collation data (the database uses libc's "C"
 * collation). Those ranges of the copy are left as never-touched zero pages, which take no memory (about 5 MB
 * less resident); the rest is read from
 * the file. The file list comes from PGlite's own loader; if it cannot be read as expected, the whole bundle
 * is used as before (undefined: PGlite loads it itself).
 */
const UNUSED_AT_RUN_TIME =
  /^\/pglite\/(share\/postgresql\/(postgres\.bki|information_schema\.sql|system_(views|functions|constraints)\.sql|snowball_create\.sql|sql_features\.txt|errcodes\.txt)|lib\/postgresql\/(?!plpgsql\.so$).+|icu\/.+)$/;

export function runtimeFsBundle(): { arrayBuffer(): Promise<ArrayBuffer> } | undefined {
  try {
    const dist = path.dirname(require.resolve('@electric-sql/pglite'));
    const bundleFile = path.join(dist, 'pglite.data');
    const loader = fs.readFileSync(path.join(dist, 'index.cjs'), 'utf8');
    const files = [...loader.matchAll(/\{filename:"([^"]+)",start:(\d+),end:(\d+)\}/g)].map((m) => ({ name: m[1], start: +m[2], end: +m[3] }));
    const size = fs.statSync(bundleFile).size;
    if (files.length < 100 || files[files.length - 1].end !== size || !files.some((f) => UNUSED_AT_RUN_TIME.test(f.name))) return undefined;
    return {
      async arrayBuffer() {
        const bundle = new Uint8Array(size); // zero pages until written
        const fd = fs.openSync(bundleFile, 'r');
        try {
          for (const f of files) {
            if (!UNUSED_AT_RUN_TIME.test(f.name)) fs.readSync(fd, bundle, f.start, f.end - f.start, f.start);
          }
        } finally {
          fs.closeSync(fd);
        }
        return bundle.buffer;
      },
    };
  } catch {
    return undefined;
  }
}
