import crypto from 'node:crypto';
import request from 'supertest';
import { insertHeldComment, type NewCommentRow } from '../../src/comments/insertComment';
import { newCommentNotificationJob } from '../../src/notifications/enqueue';
import { commentInput, createSite, createTestApp, type TestApp } from '../helpers/testApp';

let t: TestApp;
let site: string;

beforeAll(async () => {
  t = await createTestApp();
  site = await createSite(t.ctx, { settings: { mode: 'pre' } });
});
afterAll(() => t.close());

/** Counts the statements that insert comments, on the write path's pool. */
function countCommentInserts(): { count: () => number; restore: () => void } {
  const pool = t.ctx.writePool ?? t.ctx.pool;
  const original = pool.query;
  let n = 0;
  pool.query = function (this: typeof pool, ...args: unknown[]) {
    const config = args[0] as { text?: string } | string;
    const text = typeof config === 'string' ? config : config?.text ?? '';
    if (text.includes('INSERT INTO "Comment"')) n++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pool.query;
  return { count: () => n, restore: () => { pool.query = original; } };
}

function heldRow(overrides: Partial<NewCommentRow> = {}): NewCommentRow {
  const id = crypto.randomUUID();
  return {
    siteId: site, pageKey: '/batch/direct', pageUrl: null, pageTitle: 'Direct', now: t.ctx.now(), id,
    parentId: null, rootId: null, depth: 0, name: 'Reader', email: `reader-${id}@example.org`, website: null,
    body: `Body of ${id}`, status: 'pending', reasons: ['pre_moderation'], spamScore: 0.1, ip: '203.0.113.9',
    userAgent: 'jest', ownerTokenHash: crypto.randomBytes(16).toString('hex'), fingerprint: id, notifyReplies: false,
    job: newCommentNotificationJob({ commentId: id, siteId: site }), auditAction: null,
    ...overrides,
  };
}

describe('held comments that arrive together', () => {
  test('are all stored, each with its moderator notification, on one new page, in fewer statements than comments', async () => {
    const inserts = countCommentInserts();
    const page = '/batch/burst';
    let responses;
    try {
      responses = await Promise.all(
        Array.from({ length: 24 }, (_, i) => request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page, body: `Burst comment ${i}` }))),
      );
    } finally {
      inserts.restore();
    }
    expect(responses.map((r) => r.status)).toEqual(Array(24).fill(201));
    expect(responses.every((r) => r.body.message === 'Your comment is awaiting moderation.')).toBe(true);
    expect(inserts.count()).toBeLessThan(24);

    const ids = responses.map((r) => r.body.comment.id as string).sort();
    const pages = await t.ctx.prisma.page.findMany({ where: { siteId: site, key: page } });
    expect(pages).toHaveLength(1);
    const stored = await t.ctx.prisma.comment.findMany({ where: { pageId: pages[0].id }, select: { id: true, body: true, status: true } });
    expect(stored.map((c) => c.id).sort()).toEqual(ids);
    expect(new Set(stored.map((c) => c.body)).size).toBe(24);
    expect(stored.every((c) => c.status === 'pending')).toBe(true);
    const jobs = await t.ctx.prisma.job.findMany({ where: { kind: 'notify_new_comment' } });
    const jobbed = jobs.map((j) => (j.payload as { commentId: string }).commentId).filter((id) => ids.includes(id)).sort();
    expect(jobbed).toEqual(ids); // one job per comment, none twice
  });

  test("a comment that cannot be stored fails alone: the others in its batch are stored once, with one page", async () => {
    const page = `/batch/mixed-${crypto.randomUUID()}`;
    const first = heldRow({ pageKey: page });
    const orphan = heldRow({ pageKey: page, parentId: crypto.randomUUID(), depth: 1 }); // its parent does not exist
    const spam = heldRow({ pageKey: page, status: 'spam', reasons: ['spam_score'], job: null, auditAction: 'spam' });
    const last = heldRow({ pageKey: page });
    const results = await Promise.allSettled([first, orphan, spam, last].map((row) => insertHeldComment(t.ctx, row)));

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const pages = await t.ctx.prisma.page.findMany({ where: { siteId: site, key: page } });
    expect(pages).toHaveLength(1);
    const stored = await t.ctx.prisma.comment.findMany({ where: { pageId: pages[0].id }, select: { id: true, status: true, reasons: true } });
    expect(stored.map((c) => c.id).sort()).toEqual([first.id, spam.id, last.id].sort());
    expect(stored.find((c) => c.id === spam.id)).toMatchObject({ status: 'spam', reasons: ['spam_score'] });

    const jobs = await t.ctx.prisma.job.findMany({ where: { kind: 'notify_new_comment' } });
    const jobbed = jobs.map((j) => (j.payload as { commentId: string }).commentId);
    expect(jobbed.filter((id) => [first.id, last.id].includes(id)).sort()).toEqual([first.id, last.id].sort());
    expect(jobbed).not.toContain(orphan.id);
    expect(jobbed).not.toContain(spam.id);
    const audit = await t.ctx.prisma.auditEvent.findMany({ where: { commentId: spam.id } });
    expect(audit).toMatchObject([{ action: 'spam', toStatus: 'spam', via: 'rules' }]);
  });

  test('keeps what each reader sent, including text JSON must escape, and the times as given', async () => {
    const page = `/batch/text-${crypto.randomUUID()}`;
    const when = new Date('2026-11-30T23:59:58.123Z');
    const tricky = ['Quotes "and" \\backslashes\\', 'Line\nbreaks and tabs\there', 'Émoji 🎉 and 中文', "O'Brien; DROP TABLE \"Comment\"; --"];
    const rows = tricky.map((body) => heldRow({ pageKey: page, body, name: body.slice(0, 20), now: when, website: 'https://a.example/?q="x"' }));
    await Promise.all(rows.map((row) => insertHeldComment(t.ctx, row)));
    const stored = await t.ctx.prisma.comment.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
    for (const row of rows) {
      const c = stored.find((s) => s.id === row.id)!;
      expect(c).toMatchObject({ body: row.body, name: row.name, website: row.website, createdAt: when, reasons: ['pre_moderation'], spamScore: 0.1 });
    }
  });
});
