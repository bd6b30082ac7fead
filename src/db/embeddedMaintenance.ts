import type { Pool } from 'pg';
import type { Logger } from 'pino';

/**
 * Autovacuum's work for the embedded database. PGlite runs Postgres in single-user mode, with no background
 * workers: nothing ever analyzes or vacuums its tables. Without it:
 * - the plans of the prepared statements (src/db/preparedStatement.ts) were made when the tables were empty
 *   and are never replaced: a new embedded site took 272 comments/s in its first 5 s and 97/s 15 s later,
 *   scanning ever larger tables, until a restart planned afresh (bench/embedded.ts);
 * - the rows that jobs, rate limits and counters update and delete stay in the tables for good.
 * So this process checks the tables' statistics now and then and, with autovacuum's own default thresholds,
 * runs ANALYZE (which also makes Postgres re-plan the statements that read the table) and VACUUM.
 * Each runs on the one connection, between requests, which wait for it: ANALYZE of 20,000 comments took 0.2-0.65 s
 * in WASM (VACUUM of them 35 ms). With the 10% threshold a site of that size analyzes after 2,000 more comments.
 */
export const MAINTENANCE_INTERVAL_MS = 10_000;

// Postgres's defaults (autovacuum_analyze_threshold/scale_factor, autovacuum_vacuum_threshold/scale_factor).
const ANALYZE_THRESHOLD = 50;
const ANALYZE_SCALE = 0.1;
const VACUUM_THRESHOLD = 50;
const VACUUM_SCALE = 0.2;

export interface TableActivity {
  table: string;
  /** Rows by the last ANALYZE or VACUUM; negative when the table was never analyzed. */
  reltuples: number;
  pages: number;
  modifiedSinceAnalyze: number;
  deadRows: number;
}

export interface MaintenanceStep {
  table: string;
  analyze: boolean;
  vacuum: boolean;
}

/** What a table needs, decided as autovacuum decides it; a table never analyzed gets ANALYZE once it holds data. */
export function maintenanceNeeded(tables: TableActivity[]): MaintenanceStep[] {
  const steps: MaintenanceStep[] = [];
  for (const t of tables) {
    const rows = Math.max(t.reltuples, 0);
    const analyze = (t.reltuples < 0 && t.pages > 0) || t.modifiedSinceAnalyze > ANALYZE_THRESHOLD + ANALYZE_SCALE * rows;
    const vacuum = t.deadRows > VACUUM_THRESHOLD + VACUUM_SCALE * rows;
    if (analyze || vacuum) steps.push({ table: t.table, analyze, vacuum });
  }
  return steps;
}

/** One pass: reads the statistics and runs what they call for. Returns what it ran. */
export async function maintainEmbeddedDatabase(pool: Pool): Promise<MaintenanceStep[]> {
  // PGlite writes its table statistics out lazily; this makes the next statement publish them.
  await pool.query('SELECT pg_stat_force_next_flush()');
  const { rows } = await pool.query<TableActivity>(
    `SELECT s.relname AS "table", c.reltuples::float8 AS "reltuples",
            (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS "pages",
            s.n_mod_since_analyze::int AS "modifiedSinceAnalyze", s.n_dead_tup::int AS "deadRows"
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = current_schema()`,
  );
  const steps = maintenanceNeeded(rows);
  for (const step of steps) {
    const table = `"${step.table.replace(/"/g, '""')}"`;
    // VACUUM cannot run in a transaction block; pool.query sends it alone.
    const command = step.vacuum ? (step.analyze ? 'VACUUM (ANALYZE)' : 'VACUUM') : 'ANALYZE';
    await pool.query(`${command} ${table}`);
  }
  return steps;
}

/** Runs a pass every interval until stopped; a pass that fails is logged and the next one tries again. */
export function startEmbeddedMaintenance(pool: Pool, log: Logger, intervalMs = MAINTENANCE_INTERVAL_MS): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = maintainEmbeddedDatabase(pool)
      .then((steps) => {
        if (steps.length) log.debug({ steps }, 'embedded database maintained');
      })
      .catch((err) => log.warn({ err: String(err) }, 'embedded database maintenance failed'))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
