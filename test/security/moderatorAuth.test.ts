import request from 'supertest';
import { commentInput, createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/**
 * Moderator API keys: missing, malformed, unknown, revoked and other-site keys are refused, and an address
 * that keeps guessing is locked out, even if it then guesses right. (One-click link tokens, tampered,
 * expired and replayed, are covered in test/notifications/oneClickLinks.test.ts.)
 */
let t: TestApp;
let siteA: string;
let siteB: string;
let modA: { id: string; apiKey: string };
let modB: { id: string; apiKey: string };
let commentA: string;

beforeAll(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: '1' } });
  siteA = await createSite(t.ctx, { settings: { mode: 'pre' } });
  siteB = await createSite(t.ctx, { settings: { mode: 'pre' } });
  modA = await createModerator(t.ctx, { siteIds: [siteA] });
  modB = await createModerator(t.ctx, { siteIds: [siteB] });
  commentA = (await request(t.app).post(`/api/v1/sites/${siteA}/comments`).send(commentInput({ page: '/auth' })).expect(201)).body.comment.id;
});
afterAll(() => t.close());

let ipCounter = 0;
const freshIp = () => `198.51.100.${++ipCounter}`;
const list = (authorization: string | null, ip = freshIp()) => {
  const req = request(t.app).get('/api/v1/moderation/comments').set('X-Forwarded-For', ip);
  return authorization === null ? req : req.set('Authorization', authorization);
};
const expectError = (res: request.Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
};

test.each([
  ['no header', null],
  ['empty header', ''],
  ['scheme only', 'Bearer'],
  ['lower-case scheme', 'bearer KEY'],
  ['Basic credentials', 'Basic bW9kOnBhc3N3b3Jk'],
  ['key with a space', 'Bearer pk_abc def_ghijklmnop'],
  ['key with a quote', "Bearer pk_abcdefghij'--"],
  ['a 10 KB key', `Bearer pk_${'A'.repeat(10_000)}`],
  ['two keys', 'Bearer KEY, Bearer KEY'],
  ['unknown key of the right form', 'Bearer pk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ['the key hash instead of the key', 'Bearer HASH'],
])('%s is refused with 401', async (_name, header) => {
  const value = header?.replace('KEY', modA.apiKey).replace('HASH', require('node:crypto').createHash('sha256').update(modA.apiKey).digest('hex'));
  expectError(await list(value ?? null), 401, 'unauthorized');
});

test('a valid key works', async () => {
  const res = await list(`Bearer ${modA.apiKey}`).expect(200);
  expect(res.body.comments.map((c: { id: string }) => c.id)).toContain(commentA);
  expect(res.headers['cache-control']).toBe('no-store');
});

test('a revoked key, or a key of a revoked moderator, is refused', async () => {
  const revokedKey = await createModerator(t.ctx, { siteIds: [siteA] });
  await list(`Bearer ${revokedKey.apiKey}`).expect(200);
  await t.ctx.prisma.apiKey.updateMany({ where: { moderatorId: revokedKey.id }, data: { revokedAt: new Date() } });
  expectError(await list(`Bearer ${revokedKey.apiKey}`), 401, 'unauthorized');

  const revokedModerator = await createModerator(t.ctx, { siteIds: [siteA] });
  await t.ctx.prisma.moderator.update({ where: { id: revokedModerator.id }, data: { revokedAt: new Date() } });
  expectError(await list(`Bearer ${revokedModerator.apiKey}`), 401, 'unauthorized');
});

test("another site's key sees and changes nothing of this site", async () => {
  const auth = `Bearer ${modB.apiKey}`;
  const own = await list(auth).expect(200);
  expect(own.body.comments.map((c: { id: string }) => c.id)).not.toContain(commentA);
  expectError(await request(t.app).get('/api/v1/moderation/comments').query({ site: siteA }).set('Authorization', auth), 403, 'forbidden');
  for (const action of ['approve', 'reject', 'spam', 'restore']) {
    expectError(await request(t.app).post(`/api/v1/moderation/comments/${commentA}/${action}`).set('Authorization', auth), 404, 'not_found');
  }
  expectError(await request(t.app).patch(`/api/v1/moderation/comments/${commentA}`).set('Authorization', auth).send({ body: 'hijacked' }), 404, 'not_found');
  expectError(await request(t.app).delete(`/api/v1/moderation/comments/${commentA}`).set('Authorization', auth), 404, 'not_found');
  const bulk = await request(t.app).post('/api/v1/moderation/comments/bulk').set('Authorization', auth).send({ ids: [commentA], action: 'approve' }).expect(200);
  expect(bulk.body.results[0]).toMatchObject({ id: commentA, ok: false });
  const audit = await request(t.app).get('/api/v1/moderation/audit').query({ site: siteA }).set('Authorization', auth);
  expect(audit.status).toBe(403);
  const stored = await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: commentA } });
  expect(stored).toMatchObject({ status: 'pending', moderatedById: null });
  expect(stored.body).not.toBe('hijacked');
});

test('an address that keeps guessing is locked out, even when it then guesses right; others are not', async () => {
  const guesser = '203.0.113.66';
  let lockedAt = 0;
  for (let i = 1; i <= 25; i++) {
    const res = await list(`Bearer pk_guess${String(i).padStart(40, '0')}`, guesser);
    if (res.status === 429) {
      lockedAt = i;
      expect(res.body.error.code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      break;
    }
    expectError(res, 401, 'unauthorized');
  }
  expect(lockedAt).toBe(21);
  // The right key from the locked-out address waits too, or the lockout would not slow guessing down.
  expectError(await list(`Bearer ${modA.apiKey}`, guesser), 429, 'rate_limited');
  // Other addresses are unaffected.
  await list(`Bearer ${modA.apiKey}`, '203.0.113.67').expect(200);
  // The lockout ends with its window.
  t.clock.advance(301_000);
  await list(`Bearer ${modA.apiKey}`, guesser).expect(200);
});
