import type { AppContext } from '../../src/context';
import { findPageWithOwnPending } from '../../src/comments/ownerView';
import { hashOwnerToken } from '../../src/comments/ownerTokens';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb';

/**
 * Everyone who has commented reads their own view of the thread on every reload. Its statement must keep
 * one plan (Postgres's generic plan) rather than be planned again for each request: with the owner tokens
 * as one array parameter Postgres judged the generic plan costlier and re-planned it every time, at four
 * times the cost of running it.
 */
let db: TestDatabase;
let ctx: AppContext;
const SITE = 'own-plan';
const READS = 12;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 1 }); // one connection: its prepared statements are the ones read below
  ctx = { pool: db.pool } as unknown as AppContext;
  await db.pool.query(`INSERT INTO "Site" ("id", "name") VALUES ($1, 'Own plan')`, [SITE]);
  await db.pool.query(`INSERT INTO "Page" ("siteId", "key") VALUES ($1, '/a'), ($1, '/b')`, [SITE]);
  // Ten thousand comments: on a few hundred Postgres finds the two plans close enough to keep either.
  await db.pool.query(
    `INSERT INTO "Comment" ("siteId", "pageId", "name", "email", "body", "status", "ownerTokenHash", "fingerprint", "createdAt", "updatedAt")
     SELECT $1, p."id", 'Reader ' || i, 'r' || i || '@example.org', 'Comment ' || i,
       (CASE WHEN i % 3 = 0 THEN 'pending' ELSE 'approved' END)::"CommentStatus", md5('owner' || i), 'f' || i,
       now() + make_interval(secs => i), now()
       FROM "Page" p, generate_series(1, 10000) i WHERE p."siteId" = $1 AND p."key" = CASE WHEN i % 2 = 0 THEN '/a' ELSE '/b' END`,
    [SITE],
  );
  await db.pool.query('ANALYZE "Comment"');
});
afterAll(() => db?.close());

// The stored hashes above are md5('owner' || i); the statement takes hashes, so the test passes them as they are stored.
async function storedHash(i: number): Promise<string> {
  return (await db.pool.query<{ h: string }>(`SELECT md5('owner' || $1::int) AS h`, [i])).rows[0].h;
}

/** Plans made and reused so far, by prepared statement of the own view. */
async function planCounts(): Promise<Map<string, { generic: number; custom: number }>> {
  const { rows } = await db.pool.query<{ name: string; generic: string; custom: string }>(
    `SELECT name, generic_plans::text AS generic, custom_plans::text AS custom FROM pg_prepared_statements
      WHERE statement LIKE '%WITH mine AS MATERIALIZED%'`,
  );
  return new Map(rows.map((r) => [r.name, { generic: Number(r.generic), custom: Number(r.custom) }]));
}

test.each([
  ['one owner token', [6]],
  ['three owner tokens', [6, 12, 18]],
])('%s: every reload gets the reader\'s pending comments, and the plan is made once and kept', async (_name, readers) => {
  const hashes = await Promise.all(readers.map(storedHash));
  const before = await planCounts();
  for (let i = 0; i < READS; i++) {
    const { page, pendingJson } = await findPageWithOwnPending(ctx, SITE, '/a', hashes);
    expect(page?.id).toEqual(expect.any(String));
    const pending = JSON.parse(pendingJson ?? '[]') as Array<{ name: string; status: string }>;
    expect(pending.map((c) => c.name)).toEqual(readers.map((r) => `Reader ${r}`));
    expect(pending.every((c) => c.status === 'pending')).toBe(true);
  }
  const used = [...(await planCounts())]
    .map(([name, now]) => ({ generic: now.generic - (before.get(name)?.generic ?? 0), custom: now.custom - (before.get(name)?.custom ?? 0) }))
    .filter((d) => d.generic + d.custom > 0);
  expect(used).toHaveLength(1);
  // Postgres plans a prepared statement for each of its first five runs, then keeps the generic plan if it is as good.
  expect(used[0].custom).toBeLessThanOrEqual(5);
  expect(used[0].generic).toBeGreaterThanOrEqual(READS - 5);
});

test('a reader with no pending comment on the page gets none, and another page\'s are not theirs', async () => {
  const { pendingJson } = await findPageWithOwnPending(ctx, SITE, '/a', [await storedHash(3), hashOwnerToken('a-token-nobody-holds-000')]);
  expect(pendingJson).toBeNull(); // reader 3's pending comment is on /b
});
