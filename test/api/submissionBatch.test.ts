import crypto from 'node:crypto';
import request from 'supertest';
import { loadSubmissionContext, type SubmissionContextInput } from '../../src/moderation/submissionContext';
import { commentInput, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/**
 * New comments that arrive together have their checks read (and their flood counters consumed) in one
 * statement (src/moderation/submissionContext.ts). Each must still be judged as if it had come alone.
 */
let t: TestApp;
let site: string;

beforeAll(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: '1' } });
  // The site's real allowance (the test helper's sites have a huge one): 10 comments a minute per IP, 5 per email.
  site = await createSite(t.ctx, {
    settings: { mode: 'pre', rateLimit: { perIp: { max: 10, windowSeconds: 60 }, perEmail: { max: 5, windowSeconds: 60 } } },
  });
});
afterAll(() => t.close());

const post = (input: Record<string, unknown>, ip: string) =>
  request(t.app).post(`/api/v1/sites/${site}/comments`).set('X-Forwarded-For', ip).send(commentInput(input));

/** Counts the submission statements sent on the write path's pool. */
function countSubmissionStatements(): { count: () => number; restore: () => void } {
  const pool = t.ctx.writePool ?? t.ctx.pool;
  const original = pool.query;
  let n = 0;
  pool.query = function (this: typeof pool, ...args: unknown[]) {
    const config = args[0] as { text?: string } | string;
    const text = typeof config === 'string' ? config : config?.text ?? '';
    if (text.includes('INSERT INTO "RateLimit"')) n++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pool.query;
  return { count: () => n, restore: () => { pool.query = original; } };
}

async function ipCount(ip: string): Promise<number> {
  const row = await t.ctx.prisma.rateLimit.findUnique({ where: { key: `comment:ip:${site}:${ip}` } });
  return row?.count ?? 0;
}

const direct = (n: number): SubmissionContextInput => ({
  siteId: site, pageKey: '/together/direct', parentId: null, maxDepth: 3, closeAfterDays: null, now: t.ctx.now(),
  flood: [{ key: `comment:test:${site}:direct`, limit: { max: 100, windowSeconds: 60 } }],
  fingerprint: `direct-${n}`, email: `direct-${n}@example.org`, tokens: ['hello', 'world'], ownerHashes: null,
  repeatSince: new Date(0),
});

describe('comments whose checks run together', () => {
  test('one reader flooding in parallel gets exactly the allowance: 10 published to the queue, the rest 429', async () => {
    const statements = countSubmissionStatements();
    let responses;
    try {
      responses = await Promise.all(
        Array.from({ length: 16 }, (_, i) => post({ page: '/together/flood', email: `flood-${i}@example.org`, body: `Parallel comment ${i}` }, '192.0.2.200')),
      );
    } finally {
      statements.restore();
    }
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(10).fill(201), ...Array(6).fill(429)]);
    for (const refused of responses.filter((r) => r.status === 429)) {
      expect(refused.body.error.code).toBe('rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    expect(statements.count()).toBeLessThan(16);
    expect(await ipCount('192.0.2.200')).toBe(16);
    const page = await t.ctx.prisma.page.findFirstOrThrow({ where: { siteId: site, key: '/together/flood' } });
    expect(await t.ctx.prisma.comment.count({ where: { pageId: page.id } })).toBe(10);
  });

  test('a refused reply or a closed page fails alone and uses none of the allowance; the others go through', async () => {
    const closed = `/together/closed-${crypto.randomUUID()}`;
    await t.ctx.prisma.page.create({ data: { siteId: site, key: closed, closed: true } });
    const ip = '192.0.2.201';
    const [good1, orphan, onClosed, good2] = await Promise.all([
      post({ page: '/together/mixed', email: 'one@example.org', body: 'First of the mixed batch' }, ip),
      post({ page: '/together/mixed', email: 'two@example.org', body: 'A reply to nothing', parentId: crypto.randomUUID() }, ip),
      post({ page: closed, email: 'three@example.org', body: 'Too late for this article' }, ip),
      post({ page: '/together/mixed', email: 'four@example.org', body: 'Last of the mixed batch' }, ip),
    ]);
    expect([good1.status, orphan.status, onClosed.status, good2.status]).toEqual([201, 400, 409, 201]);
    expect(orphan.body.error.fields.parentId).toMatch(/not on this page/);
    expect(onClosed.body.error.code).toBe('comments_closed');
    expect(await ipCount(ip)).toBe(2);
  });

  test('a comment the database refuses fails alone; the others in its batch get their context once', async () => {
    const broken = { ...direct(3), parentId: 'not-a-uuid' }; // Postgres refuses the cast: the whole batch statement fails
    // The first two take the free slots (two on the server, one embedded); the rest wait and go as one batch.
    const inputs = [direct(1), direct(2), direct(3), broken, direct(5)];

    const results = await Promise.allSettled(inputs.map((input) => loadSubmissionContext(t.ctx, input)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const counts = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.flood[0].count] : [])).sort();
    expect(counts).toEqual([1, 2, 3, 4]); // each counted once, though its first batch failed
    const row = await t.ctx.prisma.rateLimit.findUniqueOrThrow({ where: { key: `comment:test:${site}:direct` } });
    expect(row.count).toBe(4);
  });

  test("each site's comments in a batch get that site's spam evidence", async () => {
    const other = await createSite(t.ctx, { settings: { mode: 'pre' } });
    await t.ctx.prisma.spamToken.create({ data: { siteId: site, token: 'zebra', spamCount: 7, hamCount: 1 } });
    await t.ctx.prisma.spamToken.create({ data: { siteId: other, token: 'okapi', spamCount: 0, hamCount: 4 } });
    const tokens = ['zebra', 'okapi', 'unknown'];
    // Two others take the free slots, so the last three go as one batch.
    const [, , here, there, hereAgain] = await Promise.all(
      [direct(31), direct(32), { ...direct(33), tokens }, { ...direct(34), siteId: other, tokens }, { ...direct(35), tokens: ['zebra'] }]
        .map((input) => loadSubmissionContext(t.ctx, input)),
    );
    expect([...here.spam.counts].filter(([token]) => tokens.includes(token))).toEqual([['zebra', { spam: 7, ham: 1 }]]);
    expect([...there.spam.counts]).toEqual([['okapi', { spam: 0, ham: 4 }]]);
    expect(hereAgain.spam.counts.get('zebra')).toEqual({ spam: 7, ham: 1 });
  });

  test('a double-clicked Send: of the copies checked in one batch, only the first is not a duplicate', async () => {
    const copy = { ...direct(20), pageKey: '/together/double-click' };
    // Two others take the free slots, so the three copies wait and go as one batch.
    const results = await Promise.all([direct(21), direct(22), copy, { ...copy }, { ...copy, email: 'DIRECT-20@example.org' }]
      .map((input) => loadSubmissionContext(t.ctx, input)));
    expect(results.map((r) => r.duplicate)).toEqual([false, false, false, true, true]);
  });
});
