import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Pool, PoolClient } from 'pg';

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, keeping Prisma's own
 * `_prisma_migrations` bookkeeping (same table, same sha256 checksums), so `prisma migrate deploy`
 * agrees with what ran here. We need our own because the Prisma CLI cannot fetch its engine offline.
 *
 * - Two instances starting at once: a session advisory lock serialises them.
 * - A migration whose file changed after it was applied is refused: history must not be rewritten.
 * - Each migration runs in a transaction with its bookkeeping row, so a failure leaves no half-state.
 */
export const MIGRATIONS_DIR = findUp('prisma/migrations');

/** Works from src/ (tsx, jest) and from dist/src/ (compiled). */
function findUp(relative: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return path.resolve(relative);
  }
}
// An arbitrary constant identifying "Parley migrations" among advisory locks.
const MIGRATION_LOCK_ID = 72_750_431;

export class MigrationError extends Error {}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

const BOOKKEEPING_DDL = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export async function migrate(pool: Pool, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = readMigrations(dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      return await applyPending(client, migrations);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    client.release();
  }
}

async function applyPending(client: PoolClient, migrations: MigrationFile[]): Promise<MigrateResult> {
  await client.query(BOOKKEEPING_DDL);
  const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
    'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
  );
  const done = new Map(rows.map((r) => [r.migration_name, r]));
  const result: MigrateResult = { applied: [], alreadyApplied: [] };

  for (const m of migrations) {
    const previous = done.get(m.name);
    if (previous) {
      if (!previous.finished_at) {
        throw new MigrationError(`Migration ${m.name} started earlier but never finished; resolve it by hand.`);
      }
      if (previous.checksum !== m.checksum) {
        throw new MigrationError(
          `Migration ${m.name} was changed after it was applied (checksum mismatch). Add a new migration instead.`,
        );
      }
      result.alreadyApplied.push(m.name);
      continue;
    }
    await client.query('BEGIN');
    try {
      await client.query(m.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), $3, 1)`,
        [crypto.randomUUID(), m.checksum, m.name],
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw new MigrationError(`Migration ${m.name} failed: ${(err as Error).message}`);
    }
    result.applied.push(m.name);
  }
  for (const name of done.keys()) {
    if (!migrations.some((m) => m.name === name)) {
      throw new MigrationError(`Database has migration ${name}, which this version of Parley does not know.`);
    }
  }
  return result;
}
