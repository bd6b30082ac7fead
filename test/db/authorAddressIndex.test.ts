import { createTestDatabase, type TestDatabase } from '../helpers/testDb';
import { submissionStatement, type SubmissionContextInput } from '../../src/moderation/submissionContext';

/**
 * A proven returning author's post checks for spam from their address (whatever its case) since their proof, and
 * counts their trained spam. On a site holding thousands of spam comments from other addresses, those checks
 * must read that author's comments only (the ("siteId", lower(btrim(email)), status) index), not the site's spam.
 */
let db: TestDatabase;
const SITE = 'address-site';
const OTHERS = 400;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`INSERT INTO "Site" ("id", "name") VALUES ($1, 'Address')`, [SITE]);
  await db.pool.query(`INSERT INTO "Page" ("siteId", "key") VALUES ($1, '/a'), ($1, '/b')`, [SITE]);
  const insert = (status: string, email: string, owner: string, createdAt: string) => db.pool.query(
    `INSERT INTO "Comment" ("siteId", "pageId", "name", "email", "body", "status", "trainedAs", "ownerTokenHash", "fingerprint", "createdAt", "updatedAt")
     SELECT $1, p."id", 'N', $3, 'text', $2::"CommentStatus", CASE WHEN $2 = 'spam' THEN 'spam' END, $4, 'f', $5::timestamp, $5::timestamp
       FROM "Page" p WHERE p."siteId" = $1 AND p."key" = '/b'`,
    [SITE, status, email, owner, createdAt],
  );
  await db.pool.query(
    `INSERT INTO "Comment" ("siteId", "pageId", "name", "email", "body", "status", "trainedAs", "ownerTokenHash", "fingerprint", "createdAt", "updatedAt")
     SELECT $1, p."id", 'Spammer ' || i, 'spammer' || i || '@example.net', 'buy now', 'spam', 'spam', 'o' || i, 'f' || i, now(), now()
       FROM "Page" p, generate_series(1, $2::int) i WHERE p."siteId" = $1 AND p."key" = '/b'`,
    [SITE, OTHERS],
  );
  await insert('approved', ' Loyal@Example.org', 'loyal-owner', '2026-11-01T10:00:00Z');
  await insert('spam', 'LOYAL@example.org', 'old-spam', '2026-10-01T10:00:00Z');
  await db.pool.query('ANALYZE "Comment"');
});
afterAll(() => db?.close());

const input = (email: string): SubmissionContextInput => ({
  siteId: SITE, pageKey: '/a', parentId: null, maxDepth: 3, closeAfterDays: null, now: new Date('2026-12-01T10:00:00Z'),
  flood: [], fingerprint: 'new', email, tokens: ['hello', 'world'], ownerHashes: ['loyal-owner'],
  repeatSince: new Date('2026-11-30T10:00:00Z'),
});

interface PlanNode { 'Relation Name'?: string; 'Node Type': string; 'Rows Removed by Filter'?: number; 'Rows Removed by Index Recheck'?: number; 'Actual Rows'?: number; 'Actual Loops'?: number; Plans?: PlanNode[] }
function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

test('the checks read the author\'s own comments, not the site\'s spam', async () => {
  const { text, values } = submissionStatement(input('loyal@example.org '));
  const { rows } = await db.pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
  const comments = nodes(rows[0]['QUERY PLAN'][0].Plan).filter((n) => n['Relation Name'] === 'Comment');
  expect(comments.length).toBeGreaterThan(0);
  expect(comments.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
  // Rows read and thrown away by the Comment scans: a handful, not the 400 spam comments of other addresses.
  const discarded = comments.reduce((sum, n) => sum + ((n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)) * (n['Actual Loops'] ?? 1), 0);
  expect(discarded).toBeLessThan(20);
});

test('the address matches whatever its case and spaces: the proof, its lapse and the spam count', async () => {
  const run = async (email: string) => (await db.pool.query(submissionStatement(input(email)))).rows[0];
  const before = await run('LOYAL@example.ORG');
  expect(before.provenReturning).toBe(true);
  // The old spam predates the proof; it still counts in the author's history.
  expect(before.authorSpamCount).toBe(1);

  const { rows } = await db.pool.query(`SELECT "id" FROM "Comment" WHERE "ownerTokenHash" = 'old-spam'`);
  await db.pool.query(`UPDATE "Comment" SET "moderatedAt" = '2026-11-20T10:00:00Z' WHERE "id" = $1`, [rows[0].id]);
  const after = await run(' loyal@example.org');
  expect(after.provenReturning).toBe(false);
  expect(after.authorSpamCount).toBe(1);
});
