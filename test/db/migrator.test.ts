import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { migrate, MigrationError, MIGRATIONS_DIR } from '../../src/db/migrator';
import { createPool } from '../../src/db/pool';
import { spawnEmbeddedPostgres } from '../helpers/embeddedPostgresProcess';

/**
 * The migrator against an empty database of its own: a fresh schema on TEST_DATABASE_URL's server,
 * or a fresh embedded Postgres when that is unset.
 */
interface FreshDatabase {
  mode: 'server' | 'embedded';
  /** A new pool of one connection on the fresh database. */
  newPool(): Pool;
  close(): Promise<void>;
}

async function freshDatabase(): Promise<FreshDatabase> {
  const pools: Pool[] = [];
  const track = (pool: Pool) => (pools.push(pool), pool);
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const schema = `mig_${process.env.JEST_WORKER_ID ?? '0'}_${crypto.randomBytes(5).toString('hex')}`;
    const admin = new Pool({ connectionString: serverUrl, max: 1 });
    await admin.query(`CREATE SCHEMA "${schema}"`);
    return {
      mode: 'server',
      newPool: () => track(createPool({ connectionString: serverUrl, max: 1, connectTimeoutMs: 10_000, schema })),
      async close() {
        await Promise.all(pools.map((p) => p.end().catch(() => {})));
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      },
    };
  }
  // Embedded: one Postgres per file (each takes seconds to start), emptied before every test. One pool
  // throughout: the embedded server takes one connection, and a reconnect right after a close can be refused.
  if (!sharedEmbedded) {
    const embedded = await spawnEmbeddedPostgres();
    sharedEmbedded = { embedded, pool: createPool({ connectionString: embedded.url, max: 1, connectTimeoutMs: 30_000 }) };
  } else {
    await sharedEmbedded.pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  }
  const { pool } = sharedEmbedded;
  return { mode: 'embedded', newPool: () => pool, close: async () => {} };
}

let sharedEmbedded: { embedded: { stop(): Promise<void> }; pool: Pool } | null = null;
afterAll(async () => {
  await sharedEmbedded?.pool.end();
  await sharedEmbedded?.embedded.stop();
});

/** prisma/migrations copied to a temp folder, so a test can edit or add migrations. */
function copyOfMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-migrations-'));
  fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  tempDirs.push(dir);
  return dir;
}
function addMigration(dir: string, name: string, sql: string): void {
  fs.mkdirSync(path.join(dir, name));
  fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
}

const tempDirs: string[] = [];
const migrationNames = fs
  .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

let db: FreshDatabase;
beforeEach(async () => {
  db = await freshDatabase();
});
afterEach(async () => {
  await db.close();
});
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function tableExists(pool: Pool, name: string): Promise<boolean> {
  const { rows } = await pool.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [`"${name}"`]);
  return rows[0].exists;
}

async function bookkeeping(pool: Pool) {
  const { rows } = await pool.query(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
  return rows;
}

test('applies every migration once; running it again changes nothing', async () => {
  const pool = db.newPool();
  expect(migrationNames.length).toBeGreaterThan(0);

  const first = await migrate(pool);
  expect(first).toEqual({ applied: migrationNames, alreadyApplied: [] });
  expect(await tableExists(pool, 'Comment')).toBe(true);
  const rowsAfterFirst = await bookkeeping(pool);

  const second = await migrate(pool);
  expect(second).toEqual({ applied: [], alreadyApplied: migrationNames });
  expect(await bookkeeping(pool)).toEqual(rowsAfterFirst);
});

test("keeps Prisma's _prisma_migrations bookkeeping, so `prisma migrate deploy` agrees with it", async () => {
  const pool = db.newPool();
  const before = Date.now();
  await migrate(pool);

  const rows = await bookkeeping(pool);
  expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
  for (const row of rows) {
    // Prisma's checksum: sha256 hex of the migration.sql bytes, computed here independently.
    const file = fs.readFileSync(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
    expect(row.checksum).toBe(crypto.createHash('sha256').update(file).digest('hex'));
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    expect(row.started_at.getTime()).toBeGreaterThan(before - 60_000);
    expect(row.applied_steps_count).toBe(1);
    expect(row.rolled_back_at).toBeNull();
    expect(row.logs).toBeNull();
  }

  // The table itself is the one Prisma's migrate creates (names, types, nullability).
  const { rows: columns } = await pool.query(`
    SELECT column_name AS name, data_type AS type, character_maximum_length AS length, is_nullable AS nullable
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = '_prisma_migrations' ORDER BY ordinal_position`);
  expect(columns).toEqual([
    { name: 'id', type: 'character varying', length: 36, nullable: 'NO' },
    { name: 'checksum', type: 'character varying', length: 64, nullable: 'NO' },
    { name: 'finished_at', type: 'timestamp with time zone', length: null, nullable: 'YES' },
    { name: 'migration_name', type: 'character varying', length: 255, nullable: 'NO' },
    { name: 'logs', type: 'text', length: null, nullable: 'YES' },
    { name: 'rolled_back_at', type: 'timestamp with time zone', length: null, nullable: 'YES' },
    { name: 'started_at', type: 'timestamp with time zone', length: null, nullable: 'NO' },
    { name: 'applied_steps_count', type: 'integer', length: null, nullable: 'NO' },
  ]);
});

test('refuses a migration whose file changed after it was applied, and applies nothing after it', async () => {
  const pool = db.newPool();
  const dir = copyOfMigrations();
  await migrate(pool, dir);

  const first = path.join(dir, migrationNames[0], 'migration.sql');
  fs.appendFileSync(first, '\n-- edited after it was applied\n');
  addMigration(dir, '29990101000000_later', 'CREATE TABLE "Later" ("id" INTEGER PRIMARY KEY);');

  const attempt = migrate(pool, dir);
  await expect(attempt).rejects.toBeInstanceOf(MigrationError);
  await expect(attempt).rejects.toThrow(`Migration ${migrationNames[0]} was changed after it was applied`);
  expect(await tableExists(pool, 'Later')).toBe(false);

  // Putting the file back as it was lets the next migration through.
  fs.copyFileSync(path.join(MIGRATIONS_DIR, migrationNames[0], 'migration.sql'), first);
  expect((await migrate(pool, dir)).applied).toEqual(['29990101000000_later']);
});

test('a failing migration leaves neither its changes nor a bookkeeping row', async () => {
  const pool = db.newPool();
  const dir = copyOfMigrations();
  addMigration(dir, '29990101000000_broken', 'CREATE TABLE "Half" ("id" INTEGER);\nSELECT 1/0;');

  await expect(migrate(pool, dir)).rejects.toThrow(/Migration 29990101000000_broken failed: division by zero/);
  expect(await tableExists(pool, 'Comment')).toBe(true); // the good ones before it stay applied
  expect(await tableExists(pool, 'Half')).toBe(false);
  expect((await bookkeeping(pool)).map((r) => r.migration_name)).toEqual(migrationNames);

  fs.writeFileSync(path.join(dir, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE "Half" ("id" INTEGER);');
  expect((await migrate(pool, dir)).applied).toEqual(['29990101000000_broken']);
});

test('refuses a database that has a migration this version does not know (a downgrade)', async () => {
  const pool = db.newPool();
  const dir = copyOfMigrations();
  addMigration(dir, '29990101000000_newer', 'SELECT 1;');
  await migrate(pool, dir);
  await expect(migrate(pool)).rejects.toThrow(/has migration 29990101000000_newer, which this version of Parley does not know/);
});

test('refuses to go on over a migration that started but never finished', async () => {
  const pool = db.newPool();
  await migrate(pool);
  await pool.query(`UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = $1`, [migrationNames[0]]);
  await expect(migrate(pool)).rejects.toThrow(/started earlier but never finished/);
});

test('two instances migrating at once: both succeed, each migration is applied once', async () => {
  const dir = copyOfMigrations();
  // A slow migration keeps the first instance busy long enough for the second to arrive.
  addMigration(dir, '29990101000000_slow', 'SELECT pg_sleep(1.5);\nCREATE TABLE "Slow" ("id" INTEGER PRIMARY KEY);');
  const all = [...migrationNames, '29990101000000_slow'];

  if (db.mode === 'embedded') {
    // The embedded Postgres serves one connection (one session), so "two instances" share one pool here;
    // the advisory lock itself is exercised on a real server (run with TEST_DATABASE_URL).
    const pool = db.newPool();
    const results = await Promise.all([migrate(pool, dir), migrate(pool, dir)]);
    expect(results.map((r) => r.applied).sort()).toEqual([[], all].sort());
    expect((await bookkeeping(pool)).map((r) => r.migration_name)).toEqual(all);
    return;
  }

  const a = db.newPool();
  const b = db.newPool();
  const observer = db.newPool();
  const pidA = (await a.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const pidB = (await b.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;

  const running = Promise.all([migrate(a, dir), migrate(b, dir)]);
  // While the slow migration runs, one instance holds the advisory lock and the other waits for it.
  // (Other test files migrate their own schemas under the same database-wide lock, so both may wait a while
  // first; keep looking until one of ours holds it.)
  let seen: { pid: number; granted: boolean }[] = [];
  const holdsAndWaits = () => seen.length === 2 && seen.some((l) => l.granted) && seen.some((l) => !l.granted);
  for (let i = 0; i < 400 && !holdsAndWaits(); i++) {
    await new Promise((r) => setTimeout(r, 25));
    seen = (
      await observer.query(`SELECT pid, granted FROM pg_locks WHERE locktype = 'advisory' AND pid = ANY($1::int[])`, [
        [pidA, pidB],
      ])
    ).rows;
  }
  expect(seen.map((l) => l.granted).sort()).toEqual([false, true]);

  const [resultA, resultB] = await running;
  // Exactly one applied everything; the other found it done.
  expect([resultA.applied, resultB.applied].sort()).toEqual([[], all].sort());
  expect([resultA.alreadyApplied, resultB.alreadyApplied].sort()).toEqual([[], all].sort());
  const rows = await bookkeeping(observer);
  expect(rows.map((r) => r.migration_name)).toEqual(all);
  // And the lock is released afterwards.
  const left = await observer.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = ANY($1::int[])`, [
    [pidA, pidB],
  ]);
  expect(left.rows[0].n).toBe(0);
});
