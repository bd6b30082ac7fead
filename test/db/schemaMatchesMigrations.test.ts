import fs from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb';
import { introspectDatabase, introspectExtras } from './introspectDatabase';
import { expectedShape, loadDatamodel, SCHEMA_PATH } from './prismaSchemaShape';
import { diffShapes, type SchemaShape } from './schemaShape';

/**
 * prisma/schema.prisma and the hand-written SQL in prisma/migrations must describe the same database:
 * the client Prisma generates from the schema runs against the tables the migrations made.
 * Every table, column (type, nullability, default, arrays), enum, primary key, index, unique index and
 * foreign key is compared, by the names Prisma would give them. On a difference the test lists each one.
 */
let db: TestDatabase;
let actual: SchemaShape;
const schemaText = fs.readFileSync(SCHEMA_PATH, 'utf8');

beforeAll(async () => {
  db = await createTestDatabase();
  actual = await introspectDatabase(db.pool);
});
afterAll(async () => {
  await db?.close();
});

test('the migrated database matches schema.prisma', () => {
  const expected = expectedShape(loadDatamodel(schemaText));
  expect(diffShapes(expected, actual)).toEqual([]);
  // Guard against comparing two empty shapes.
  expect(Object.keys(expected.tables).length).toBeGreaterThanOrEqual(10);
  expect(Object.keys(expected.enums)).toEqual(expect.arrayContaining(['CommentStatus', 'JobStatus', 'BanKind']));
});

describe('the comparison notices a change to one side only', () => {
  const differences = (schema: string, database: SchemaShape = actual) =>
    diffShapes(expectedShape(loadDatamodel(schema)), database);
  const edit = (from: string, to: string) => {
    expect(schemaText).toContain(from);
    return schemaText.replace(from, to);
  };

  test.each([
    ['a field', 'model Page {\n', 'model Page {\n  extra String?\n', ['tables.Page.columns.extra: only in schema.prisma']],
    ['an index', '  @@index([ownerTokenHash])\n', '  @@index([ownerTokenHash])\n  @@index([website])\n',
      ['tables.Comment.indexes.Comment_website_idx: only in schema.prisma']],
    ['an index column order', '@@index([pageId, fingerprint])', '@@index([fingerprint, pageId])',
      ['tables.Comment.indexes.Comment_fingerprint_pageId_idx: only in schema.prisma',
        'tables.Comment.indexes.Comment_pageId_fingerprint_idx: only in the database']],
    ['uniqueness', '  keyHash     String    @unique', '  keyHash     String',
      ['tables.ApiKey.indexes.ApiKey_keyHash_key: only in the database']],
    ['nullability', '  url           String?', '  url           String',
      ['tables.Page.columns.url.nullable: schema.prisma says false, database has true']],
    ['a type', '  depth          Int           @default(0)', '  depth          BigInt        @default(0)',
      ['tables.Comment.columns.depth.type: schema.prisma says "bigint", database has "integer"']],
    ['a native type', '  rootId         String?       @db.Uuid', '  rootId         String?',
      ['tables.Comment.columns.rootId.type: schema.prisma says "text", database has "uuid"']],
    ['a default', '  notifyMode    String    @default("each")', '  notifyMode    String    @default("digest")',
      ['tables.SiteModerator.columns.notifyMode.default: schema.prisma says "\'digest\'::text", database has "\'each\'::text"']],
    ['a removed default', '  closed        Boolean   @default(false)', '  closed        Boolean',
      ['tables.Page.columns.closed.default: schema.prisma says null, database has "false"']],
    ['an enum value', '  retrying\n', '  retrying\n  paused\n',
      ['enums.JobStatus: schema.prisma says ["queued","running","retrying","paused","sent","dead"], database has ["queued","running","retrying","sent","dead"]']],
    ['a referential action', 'fields: [moderatedById], references: [id], onDelete: SetNull',
      'fields: [moderatedById], references: [id], onDelete: Cascade',
      ['tables.Comment.foreignKeys.Comment_moderatedById_fkey.onDelete: schema.prisma says "Cascade", database has "SetNull"']],
    ['a model', 'model SpamStats {', 'model Extra {\n  id Int @id\n}\n\nmodel SpamStats {', ['tables.Extra: only in schema.prisma']],
    ['a primary key', '  @@id([siteId, token])', '  @@id([token, siteId])',
      ['tables.SpamToken.primaryKey.columns: schema.prisma says ["token","siteId"], database has ["siteId","token"]']],
  ])('%s added or changed in schema.prisma only', (_what, from, to, expectedDiff) => {
    expect(differences(edit(from, to))).toEqual(expectedDiff);
  });

  test.each([
    ['a column', 'ALTER TABLE "Page" ADD COLUMN "extra" TEXT', 'ALTER TABLE "Page" DROP COLUMN "extra"',
      ['tables.Page.columns.extra: only in the database']],
    ['an index', 'CREATE INDEX "Page_title_idx" ON "Page"("title")', 'DROP INDEX "Page_title_idx"',
      ['tables.Page.indexes.Page_title_idx: only in the database']],
    ['a check constraint', 'ALTER TABLE "Page" ADD CONSTRAINT "Page_depth_check" CHECK ("version" >= 0)',
      'ALTER TABLE "Page" DROP CONSTRAINT "Page_depth_check"',
      ['tables.Page.otherConstraints: schema.prisma says [], database has ["check Page_depth_check"]']],
    ['a table', 'CREATE TABLE "Stray" ("id" INTEGER PRIMARY KEY)', 'DROP TABLE "Stray"', null],
  ])('%s added to the database only', async (_what, up, down, expectedDiff) => {
    await db.pool.query(up);
    try {
      const changed = await introspectDatabase(db.pool);
      const diff = diffShapes(expectedShape(loadDatamodel(schemaText)), changed);
      if (expectedDiff) expect(diff).toEqual(expectedDiff);
      else expect(diff).toEqual(['tables.Stray: only in the database']);
    } finally {
      await db.pool.query(down);
    }
  });
});

describe('objects the migration adds beyond the Prisma schema', () => {
  test('exactly the audit log trigger, the pending-version triggers, their functions, and the author address index', async () => {
    expect(await introspectExtras(db.pool)).toEqual({
      triggers: ['AuditEvent.AuditEvent_append_only', 'Comment.Comment_pending_changed', 'Comment.Comment_pending_deleted'],
      functions: ['parley_audit_append_only', 'parley_bump_pending_version'],
      expressionIndexes: ['Comment.Comment_siteId_address_status_idx: "siteId", lower(btrim(email)), status'],
    });
    // schema.prisma names it where the index would be.
    expect(schemaText).toContain('"Comment_siteId_address_status_idx"');
  });

  test('deleting a site still removes its audit rows (the cascade is the one way out)', async () => {
    const { prisma } = db;
    await prisma.site.create({ data: { id: 'audit-site-2', name: 'Audit' } });
    const page = await prisma.page.create({ data: { siteId: 'audit-site-2', key: '/a' } });
    const comment = await prisma.comment.create({
      data: { siteId: 'audit-site-2', pageId: page.id, name: 'A', email: 'a@example.org', body: 'x', ownerTokenHash: 'h', fingerprint: 'f' },
    });
    await prisma.auditEvent.create({ data: { siteId: 'audit-site-2', commentId: comment.id, action: 'approve', via: 'cli' } });
    await prisma.site.delete({ where: { id: 'audit-site-2' } });
    expect(await prisma.auditEvent.count({ where: { siteId: 'audit-site-2' } })).toBe(0);
  });

  test('an audit row cannot be updated', async () => {
    const { prisma } = db;
    await prisma.site.create({ data: { id: 'audit-site', name: 'Audit' } });
    const page = await prisma.page.create({ data: { siteId: 'audit-site', key: '/a' } });
    const comment = await prisma.comment.create({
      data: { siteId: 'audit-site', pageId: page.id, name: 'A', email: 'a@example.org', body: 'x', ownerTokenHash: 'h', fingerprint: 'f' },
    });
    const event = await prisma.auditEvent.create({
      data: { siteId: 'audit-site', commentId: comment.id, action: 'edit', oldBody: 'before', newBody: 'x', via: 'cli' },
    });
    // A checked-out client, not pool.query: pg-pool drops a connection whose query failed, and the embedded
    // Postgres (one connection at a time) refuses the replacement until it notices the old one closed.
    const client = await db.pool.connect();
    try {
      await expect(
        client.query(`UPDATE "AuditEvent" SET "oldBody" = 'rewritten' WHERE id = $1`, [event.id.toString()]),
      ).rejects.toThrow(/AuditEvent is append-only/);
      const row = await client.query(`SELECT "oldBody" FROM "AuditEvent" WHERE id = $1`, [event.id.toString()]);
      expect(row.rows[0].oldBody).toBe('before');
    } finally {
      client.release();
    }
    // Through Prisma too (the path the application uses). Last in the file on purpose: in embedded mode the
    // pool then drops this connection, and the very next query fails while PGlite frees its single slot.
    await expect(prisma.auditEvent.update({ where: { id: event.id }, data: { via: 'api' } })).rejects.toThrow(
      /append-only/,
    );
  });
});
