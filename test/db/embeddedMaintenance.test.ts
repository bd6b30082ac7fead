import { Pool } from 'pg';
import { maintainEmbeddedDatabase, maintenanceNeeded, type TableActivity } from '../../src/db/embeddedMaintenance';
import { migrate } from '../../src/db/migrator';
import { submissionStatement, type SubmissionContextInput } from '../../src/moderation/submissionContext';
import { spawnEmbeddedPostgres } from '../helpers/embeddedPostgresProcess';

/**
 * The embedded database has no autovacuum (PGlite runs Postgres without background workers), so Parley does
 * its work (src/db/embeddedMaintenance.ts). Against a real PGlite with the real schema: a new comment's checks,
 * prepared while the tables were empty, read every comment on the site once the site has grown, until a
 * maintenance pass analyzes the tables; and rows that updates leave behind are vacuumed.
 */
let embedded: { url: string; stop(): Promise<void> };
let pool: Pool;
const SITE = 'maintained';
const COMMENTS = 5000;

beforeAll(async () => {
  embedded = await spawnEmbeddedPostgres();
  pool = new Pool({ connectionString: embedded.url, max: 1 }); // one session, as Parley's embedded pool
  await migrate(pool);
  await pool.query(`INSERT INTO "Site" ("id", "name") VALUES ($1, 'Maintained')`, [SITE]);
});
afterAll(async () => {
  await pool?.end();
  await embedded?.stop();
});

const input = (n: number): SubmissionContextInput => ({
  siteId: SITE, pageKey: `/p${n % 10}`, parentId: null, maxDepth: 3, closeAfterDays: null, now: new Date('2026-12-01T10:00:00Z'),
  flood: [{ key: `ip:${n}`, limit: { max: 10, windowSeconds: 60 } }], fingerprint: `new-${n}`, email: `reader${n}@example.org`,
  tokens: ['hello', 'world'], ownerHashes: [], repeatSince: new Date('2026-11-30T10:00:00Z'),
});
// The parameter types Parley's named statement gets from its values (src/db/preparedStatement.ts).
const TYPES = ['text', 'text', 'uuid', 'int', 'int', 'timestamp', 'text', 'text', 'text', 'text[]', 'boolean', 'timestamp', 'text', 'int'];
const literal = (v: unknown): string => {
  if (v === null) return 'NULL';
  if (Array.isArray(v)) return `ARRAY[${v.map(literal).join(',')}]::text[]`;
  if (v instanceof Date) return `'${v.toISOString()}'`;
  return typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v);
};

interface PlanNode { 'Relation Name'?: string; 'Rows Removed by Filter'?: number; 'Actual Loops'?: number; Plans?: PlanNode[] }
const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];
/** Comment rows the checks read and threw away for one new comment. */
async function commentRowsDiscarded(n: number): Promise<number> {
  const { rows } = await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE checks(${submissionStatement(input(n)).values.map(literal).join(',')})`);
  return nodes(rows[0]['QUERY PLAN'][0].Plan)
    .filter((node) => node['Relation Name'] === 'Comment')
    .reduce((sum, node) => sum + (node['Rows Removed by Filter'] ?? 0) * (node['Actual Loops'] ?? 1), 0);
}

test('a new comment\'s checks, planned on an empty site, stop reading every comment once the tables are analyzed', async () => {
  await pool.query(`PREPARE checks(${TYPES.join(', ')}) AS ${submissionStatement(input(0)).text}`);
  for (let n = 0; n < 8; n++) await pool.query(`EXECUTE checks(${submissionStatement(input(n)).values.map(literal).join(',')})`);
  await pool.query(`INSERT INTO "Page" ("siteId", "key") SELECT $1, '/p' || i FROM generate_series(0, 9) i`, [SITE]);
  await pool.query(
    `INSERT INTO "Comment" ("siteId", "pageId", "name", "email", "body", "status", "ownerTokenHash", "fingerprint", "createdAt", "updatedAt")
     SELECT $1, (SELECT "id" FROM "Page" WHERE "siteId" = $1 AND "key" = '/p' || (i % 10)), 'Reader', 'reader' || i || '@example.org',
            'text', 'pending', 'owner-' || i, 'f' || i, now(), now()
       FROM generate_series(1, $2::int) i`,
    [SITE, COMMENTS],
  );
  // What a new embedded site did until a restart: every comment read for each new one.
  expect(await commentRowsDiscarded(9)).toBeGreaterThanOrEqual(COMMENTS);

  const steps = await maintainEmbeddedDatabase(pool);
  expect(steps).toContainEqual(expect.objectContaining({ table: 'Comment', analyze: true }));
  expect(await commentRowsDiscarded(10)).toBeLessThan(50);
  // Analyzed tables are left alone until they change again.
  expect(await maintainEmbeddedDatabase(pool)).not.toContainEqual(expect.objectContaining({ table: 'Comment' }));
});

test('rows that updates leave behind are vacuumed away', async () => {
  await pool.query(`INSERT INTO "RateLimit" ("key", "windowStart", "count") SELECT 'k' || i, now(), 1 FROM generate_series(1, 2000) i`);
  await maintainEmbeddedDatabase(pool);
  for (let round = 0; round < 3; round++) await pool.query(`UPDATE "RateLimit" SET "count" = "count" + 1, "key" = "key" || 'x'`);
  const deadRows = async () => {
    await pool.query('SELECT pg_stat_force_next_flush()');
    const { rows } = await pool.query(`SELECT n_dead_tup::int AS dead FROM pg_stat_user_tables WHERE relname = 'RateLimit'`);
    return rows[0].dead as number;
  };
  expect(await deadRows()).toBeGreaterThan(2000);
  expect(await maintainEmbeddedDatabase(pool)).toContainEqual(expect.objectContaining({ table: 'RateLimit', vacuum: true }));
  expect(await deadRows()).toBe(0);
});

describe('when a table needs work, as autovacuum decides', () => {
  const table = (t: Partial<TableActivity>): TableActivity => ({ table: 't', reltuples: 1000, pages: 10, modifiedSinceAnalyze: 0, deadRows: 0, ...t });
  test.each([
    ['never analyzed, holding data', { reltuples: -1, pages: 1 }, { analyze: true, vacuum: false }],
    ['never analyzed, empty', { reltuples: -1, pages: 0 }, null],
    ['changed by less than 50 rows + 10%', { modifiedSinceAnalyze: 150 }, null],
    ['changed by more than 50 rows + 10%', { modifiedSinceAnalyze: 151 }, { analyze: true, vacuum: false }],
    ['dead rows up to 50 + 20%', { deadRows: 250 }, null],
    ['dead rows beyond 50 + 20%', { deadRows: 251 }, { analyze: false, vacuum: true }],
    ['both', { modifiedSinceAnalyze: 5000, deadRows: 5000 }, { analyze: true, vacuum: true }],
  ])('%s', (_name, activity, expected) => {
    const steps = maintenanceNeeded([table(activity)]);
    expect(steps).toEqual(expected ? [{ table: 't', ...expected }] : []);
  });
});
