import pg, { Pool, types } from 'pg';

// Prisma stores DateTime as UTC in TIMESTAMP(3) columns; raw queries must read and write them as UTC too,
// whatever the machine's time zone.
pg.defaults.parseInputDatesAsUTC = true;
types.setTypeParser(1114, (v) => new Date(v.replace(' ', 'T') + 'Z'));
// BIGINT (job and audit ids) arrives as a string from pg; keep it so (ids are opaque strings in the API).
types.setTypeParser(20, (v) => v);

export interface PoolOptions {
  connectionString: string;
  max: number;
  /** Give up waiting for a connection after this long, so requests fail fast with 503. */
  connectTimeoutMs: number;
  /** Postgres schema to use (tests give each file its own). */
  schema?: string;
  /**
   * Plan prepared statements once per connection (plan_cache_mode=force_generic_plan), for the pool of the
   * write path's own statements only (src/db/connectDatabase.ts): Prisma's queries keep Postgres's choice.
   */
  genericPlans?: boolean;
}

export function createPool(opts: PoolOptions): Pool {
  const pool = new Pool({
    connectionString: opts.connectionString,
    max: opts.max,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    // A statement that runs away must not hold a connection forever.
    statement_timeout: 15_000,
    options: [opts.schema ? `-c search_path="${opts.schema}"` : '', opts.genericPlans ? '-c plan_cache_mode=force_generic_plan' : '']
      .filter(Boolean).join(' ') || undefined,
  });
  // An idle client losing its connection (Postgres restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // The embedded Postgres (PGlite) keeps one session for all its connections, so the prepared statements of a
  // closed connection outlive it there: a new connection first drops them, then prepares its own under the
  // same names (src/db/preparedStatement.ts). On a Postgres server a new session has none: a no-op.
  pool.on('connect', (client) => {
    client.query('DEALLOCATE ALL').catch(() => {});
  });
  return pool;
}
