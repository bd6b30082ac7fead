import request from 'supertest';
import { signFormToken } from '../../src/moderation/formToken';
import { commentInput, createModerator, createSite, createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/testApp';

let t: TestApp;
let site: string;
let otherSite: string;
let mod: { id: string; apiKey: string };
let outsider: { apiKey: string };
let plainModerator: { apiKey: string };

beforeAll(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: '1' } });
  site = await createSite(t.ctx, { settings: { mode: 'post', blockWords: ['viagra'], holdWords: ['casino'] } });
  otherSite = await createSite(t.ctx);
  mod = await createModerator(t.ctx, { siteIds: [site], role: 'admin' });
  plainModerator = await createModerator(t.ctx, { siteIds: [site] });
  outsider = await createModerator(t.ctx, { siteIds: [otherSite] });
});
afterAll(() => t.close());

const auth = (r: request.Test, key = mod.apiKey) => r.set('Authorization', `Bearer ${key}`);
const api = {
  get: (path: string, key?: string) => auth(request(t.app).get(`/api/v1/moderation/sites/${site}${path}`), key),
  patch: (path: string, body: unknown, key?: string) => auth(request(t.app).patch(`/api/v1/moderation/sites/${site}${path}`), key).send(body as object),
  post: (path: string, body: unknown, key?: string) => auth(request(t.app).post(`/api/v1/moderation/sites/${site}${path}`), key).send(body as object),
  delete: (path: string, key?: string) => auth(request(t.app).delete(`/api/v1/moderation/sites/${site}${path}`), key),
};
const post = (input: Record<string, unknown>, ip = '198.51.100.1') =>
  request(t.app).post(`/api/v1/sites/${site}/comments`).set('X-Forwarded-For', ip).send(commentInput(input));

describe('settings', () => {
  test('reads the site settings with defaults filled in', async () => {
    const res = await api.get('/settings').expect(200);
    expect(res.body).toMatchObject({ site, settings: { mode: 'post', maxLinks: 2, blockWords: ['viagra'], limits: { body: 10_000 } } });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('a partial update keeps the other settings, nested groups included', async () => {
    const res = await api.patch('/settings', { maxLinks: 3, limits: { body: 5000 } }).expect(200);
    expect(res.body.settings).toMatchObject({ maxLinks: 3, blockWords: ['viagra'], limits: { body: 5000, name: 80, website: 200 } });
    const again = await api.get('/settings').expect(200);
    expect(again.body.settings.maxLinks).toBe(3);
    await api.patch('/settings', { maxLinks: 2, limits: { body: 10_000 } }).expect(200);
  });

  test.each([
    [{ mode: 'sometimes' }, 'mode'],
    [{ maxLinks: -1 }, 'maxLinks'],
    [{ maxLinks: '2' }, 'maxLinks'],
    [{ unknownSetting: true }, '_'],
    [{ spamThreshold: 0.2 }, 'spamThreshold'],
    [{ holdWords: ['ok', ''] }, 'holdWords.1'],
    [{ limits: { body: 0 } }, 'limits.body'],
  ])('refuses bad input %j', async (body, field) => {
    const res = await api.patch('/settings', body).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(Object.keys(res.body.error.fields)).toContain(field);
  });

  test('refuses a body that is not JSON', async () => {
    await auth(request(t.app).patch(`/api/v1/moderation/sites/${site}/settings`)).set('Content-Type', 'text/plain').send('mode=pre').expect(415);
  });

  test('needs a key, and a moderator of this site', async () => {
    await request(t.app).get(`/api/v1/moderation/sites/${site}/settings`).expect(401);
    const res = await api.get('/settings', outsider.apiKey).expect(403);
    expect(res.body.error.code).toBe('forbidden');
    await api.patch('/settings', { mode: 'pre' }, outsider.apiKey).expect(403);
    await auth(request(t.app).get('/api/v1/moderation/sites/NOT_A_SITE/settings')).expect(400);
  });

  test('a moderator (not admin) reads the settings and adds bans, but may not change settings or words', async () => {
    await api.get('/settings', plainModerator.apiKey).expect(200);
    const res = await api.patch('/settings', { mode: 'pre' }, plainModerator.apiKey).expect(403);
    expect(res.body.error.code).toBe('forbidden');
    await api.patch('/words', { holdWords: { add: ['lottery'] } }, plainModerator.apiKey).expect(403);
    expect((await api.get('/settings').expect(200)).body.settings.mode).toBe('post');
    const ban = await api.post('/bans', { kind: 'ip', value: '203.0.113.77' }, plainModerator.apiKey).expect(201);
    await api.delete(`/bans/${ban.body.ban.id}`, plainModerator.apiKey).expect(204);
  });
});

describe('word lists', () => {
  test('adds and removes single words', async () => {
    const res = await api.patch('/words', { holdWords: { add: ['crypto', 'CASINO'] }, blockWords: { remove: ['Viagra'], add: ['cialis'] } }).expect(200);
    expect(res.body).toEqual({ holdWords: ['casino', 'crypto'], blockWords: ['cialis'] });
    expect((await api.get('/words').expect(200)).body).toEqual(res.body);
    await api.patch('/words', { holdWords: { remove: ['crypto'] }, blockWords: { add: ['viagra'], remove: ['cialis'] } }).expect(200);
  });

  test.each([[{}], [{ holdWords: ['x'] }], [{ holdWords: { add: [''] } }], [{ other: { add: ['x'] } }]])('refuses %j', async (body) => {
    const res = await api.patch('/words', body).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
  });
});

describe('dry run', () => {
  test.each([
    ['a normal comment is approved', { body: 'A measured view on the budget.' }, 'approve', 'approved', []],
    ['five links wait', { body: 'https://a.example https://b.example https://c.example https://d.example https://e.example' }, 'hold', 'pending', ['links:5>2']],
    ['an obfuscated block word is spam', { body: 'get v1@gr@ here' }, 'spam', 'spam', ['block_word:viagra']],
    ['a hold word waits', { body: 'The new c a s i n o licence' }, 'hold', 'pending', ['hold_word:casino']],
    ['honeypot', { body: 'hi', honeypot: 'x' }, 'spam', 'spam', ['honeypot']],
    ['too fast', { body: 'hi there', secondsOnForm: 1 }, 'spam', 'spam', ['too_fast:1s<3s']],
    ['returning author', { body: 'hi again', returningAuthor: true }, 'approve', 'approved', ['returning_author']],
  ])('%s', async (_case, body, decision, status, reasons) => {
    // the test site switches timing off by default; the dry run uses the site's real settings
    await api.patch('/settings', { minSubmitSeconds: 3 }).expect(200);
    const res = await api.post('/rules/test', body).expect(200);
    expect(res.body).toEqual({ decision, status, publicStatus: status === 'approved' ? 'approved' : 'pending', reasons, spamScore: null });
  });

  test('stores nothing and consumes no rate limit', async () => {
    const before = { comments: await t.ctx.prisma.comment.count(), limits: await t.ctx.prisma.rateLimit.count() };
    for (let i = 0; i < 15; i++) await api.post('/rules/test', { body: 'same text', ip: '203.0.113.9' }).expect(200);
    expect(await t.ctx.prisma.comment.count()).toBe(before.comments);
    expect(await t.ctx.prisma.rateLimit.count()).toBe(before.limits);
  });

  test.each([
    [{}, 'body'],
    [{ body: '' }, 'body'],
    [{ body: 'x', ip: 'not-an-ip' }, 'ip'],
    [{ body: 'x', secondsOnForm: -1 }, 'secondsOnForm'],
    [{ body: 'x', returningAuthor: 'yes' }, 'returningAuthor'],
    [{ body: 'x', extra: 1 }, '_'],
    [{ body: 'x'.repeat(10_001) }, 'body'],
  ])('refuses %j', async (body, field) => {
    const res = await api.post('/rules/test', body).expect(400);
    expect(Object.keys(res.body.error.fields)).toContain(field);
  });
});

describe('bans', () => {
  test('add, list, apply and remove', async () => {
    const created = await api.post('/bans', { kind: 'ip', value: '203.0.113.0/24', reason: 'spam wave' }).expect(201);
    expect(created.body.ban).toMatchObject({ kind: 'ip', value: '203.0.113.0/24', reason: 'spam wave', expiresAt: null, createdById: mod.id, active: true });
    const { id } = created.body.ban;

    const list = await api.get('/bans').expect(200);
    expect(list.body.bans.map((b: { id: string }) => b.id)).toContain(id);

    const dry = await api.post('/rules/test', { body: 'hello', ip: '203.0.113.50' }).expect(200);
    expect(dry.body).toMatchObject({ decision: 'reject', status: 'rejected', publicStatus: 'pending', reasons: ['banned:ip'] });

    // the author is told their comment is pending, never that they are banned
    const posted = await post({ page: '/bans' }, '203.0.113.51').expect(201);
    expect(posted.body).toMatchObject({ comment: { status: 'pending' }, message: 'Your comment is awaiting moderation.' });
    const stored = await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: posted.body.comment.id } });
    expect(stored).toMatchObject({ status: 'rejected', reasons: ['banned:ip'] });

    await api.delete(`/bans/${id}`).expect(204);
    await api.delete(`/bans/${id}`).expect(404);
    expect((await api.post('/rules/test', { body: 'hello', ip: '203.0.113.50' }).expect(200)).body.decision).toBe('approve');
  });

  test('a ban with an expiry stops applying, and is listed only on request', async () => {
    const expiresAt = new Date(t.clock.now.getTime() + 60_000).toISOString();
    const { body } = await api.post('/bans', { kind: 'name', value: 'Spam*', expiresAt }).expect(201);
    expect((await api.post('/rules/test', { body: 'hi', name: 'spammy mcspamface' }).expect(200)).body.reasons).toEqual(['banned:name']);
    t.clock.advance(61_000);
    expect((await api.post('/rules/test', { body: 'hi', name: 'spammy mcspamface' }).expect(200)).body.decision).toBe('approve');
    expect((await api.get('/bans').expect(200)).body.bans.map((b: { id: string }) => b.id)).not.toContain(body.ban.id);
    const all = await api.get('/bans?expired=include').expect(200);
    expect(all.body.bans.find((b: { id: string }) => b.id === body.ban.id)).toMatchObject({ active: false });
  });

  test('an email ban matches whatever the case', async () => {
    const { body } = await api.post('/bans', { kind: 'email', value: 'Troll@Example.org' }).expect(201);
    expect(body.ban.value).toBe('troll@example.org');
    expect((await api.post('/rules/test', { body: 'hi', email: 'TROLL@example.org' }).expect(200)).body.reasons).toEqual(['banned:email']);
    await api.delete(`/bans/${body.ban.id}`).expect(204);
  });

  test.each([
    [{ kind: 'ip', value: '999.1.1.1' }, 'value'],
    [{ kind: 'ip', value: '10.0.0.0/40' }, 'value'],
    [{ kind: 'email', value: 'no-at-sign' }, 'value'],
    [{ kind: 'name', value: '**' }, 'value'],
    [{ kind: 'cookie', value: 'x' }, 'kind'],
    [{ kind: 'ip' }, 'value'],
    [{ kind: 'ip', value: '10.0.0.1', expiresAt: 'tomorrow' }, 'expiresAt'],
    [{ kind: 'ip', value: '10.0.0.1', expiresAt: '2000-01-01T00:00:00Z' }, 'expiresAt'],
  ])('refuses %j', async (body, field) => {
    const res = await api.post('/bans', body).expect(400);
    expect(Object.keys(res.body.error.fields)).toContain(field);
  });

  test('bad ids and other sites', async () => {
    await api.delete('/bans/not-a-uuid').expect(400);
    await api.delete('/bans/00000000-0000-4000-8000-000000000000').expect(404);
    await api.get('/bans', outsider.apiKey).expect(403);
    await api.post('/bans', { kind: 'ip', value: '10.0.0.1' }, outsider.apiKey).expect(403);
  });
});

describe('form token', () => {
  test('is served to the widget from an allowed origin, and not to others', async () => {
    const res = await request(t.app).get(`/api/v1/sites/${site}/form-token`).set('Origin', TEST_ORIGIN).expect(200);
    expect(res.body.formToken).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    expect(res.headers['cache-control']).toBe('no-store');
    await request(t.app).get(`/api/v1/sites/${site}/form-token`).set('Origin', 'https://evil.example').expect(403);
    await request(t.app).get('/api/v1/sites/no-such-site/form-token').expect(404);
  });
});

describe('new comments through the rules', () => {
  beforeAll(async () => {
    await api.patch('/settings', { minSubmitSeconds: 3, rateLimit: { perIp: { max: 10, windowSeconds: 60 }, perEmail: { max: 5, windowSeconds: 60 } } }).expect(200);
  });

  test('post mode: a normal comment is published, five links wait, a block word goes to spam', async () => {
    expect((await post({ page: '/rules-a' }, '192.0.2.1').expect(201)).body.comment.status).toBe('approved');
    const links = await post({ page: '/rules-a', body: 'see https://a.example https://b.example https://c.example https://d.example https://e.example' }, '192.0.2.2').expect(201);
    expect(links.body.comment.status).toBe('pending');
    expect((await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: links.body.comment.id } })).reasons).toEqual(['links:5>2']);
    const blocked = await post({ page: '/rules-a', body: 'cheap ｖｉａｇｒａ' }, '192.0.2.3').expect(201);
    expect(blocked.body.comment.status).toBe('pending');
    expect((await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: blocked.body.comment.id } })).status).toBe('spam');
  });

  test('the same comment posted twice gets 409, even with different spacing and case', async () => {
    await post({ page: '/dup', email: 'dup@example.org', body: 'I agree with this.' }, '192.0.2.10').expect(201);
    const res = await post({ page: '/dup', email: 'DUP@example.org', body: 'i  agree with THIS' }, '192.0.2.10').expect(409);
    expect(res.body.error.code).toBe('duplicate_comment');
    await post({ page: '/dup-elsewhere', email: 'dup@example.org', body: 'I agree with this.' }, '192.0.2.10').expect(201);
  });

  test('quick posts from one IP get 429 with Retry-After after the limit', async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 30; i++) {
      const res = await post({ page: '/flood', email: `flood${i}@example.org` }, '192.0.2.99');
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers['retry-after'];
    }
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    t.clock.advance(61_000);
    await post({ page: '/flood', email: 'flood-late@example.org' }, '192.0.2.99').expect(201);
  });

  test('per email too', async () => {
    for (let i = 0; i < 5; i++) await post({ page: `/mail-${i}`, email: 'busy@example.org' }, `192.0.2.${120 + i}`).expect(201);
    const res = await post({ page: '/mail-x', email: 'Busy@Example.org' }, '192.0.2.130').expect(429);
    expect(res.body.error.code).toBe('rate_limited');
    t.clock.advance(61_000);
  });

  test('a too-fast form is spam; a forged token waits; a human pace publishes', async () => {
    const fast = await post({ page: '/timing', formToken: signFormToken(t.ctx.secretKey, site, new Date(t.clock.now.getTime() - 1000)) }, '192.0.2.40').expect(201);
    expect((await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: fast.body.comment.id } })).reasons).toEqual(['too_fast:1s<3s']);
    const forged = await post({ page: '/timing', formToken: `${t.clock.now.getTime() - 60_000}.${'A'.repeat(43)}` }, '192.0.2.41').expect(201);
    expect((await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: forged.body.comment.id } })).reasons).toEqual(['bad_form_token']);
    const token = (await request(t.app).get(`/api/v1/sites/${site}/form-token`).expect(200)).body.formToken;
    t.clock.advance(20_000);
    expect((await post({ page: '/timing', formToken: token }, '192.0.2.42').expect(201)).body.comment.status).toBe('approved');
  });

  test('a returning author is proven by the owner token of an approved comment, not by the email alone', async () => {
    await api.patch('/settings', { mode: 'pre' }).expect(200);
    try {
      const first = await post({ page: '/returning', email: 'loyal@example.org' }, '192.0.2.60').expect(201);
      expect(first.body.comment.status).toBe('pending');
      await auth(request(t.app).post(`/api/v1/moderation/comments/${first.body.comment.id}/approve`)).expect(200);

      const impostor = await post({ page: '/returning', email: 'loyal@example.org' }, '192.0.2.61').expect(201);
      expect(impostor.body.comment.status).toBe('pending');

      const proven = await post({ page: '/returning', email: 'Loyal@example.org' }, '192.0.2.62')
        .set('X-Parley-Owner', first.body.ownerToken)
        .expect(201);
      expect(proven.body.comment.status).toBe('approved');

      // a comment from that address marked spam since ends the trust
      await auth(request(t.app).post(`/api/v1/moderation/comments/${impostor.body.comment.id}/spam`)).expect(200);
      const after = await post({ page: '/returning', email: 'loyal@example.org' }, '192.0.2.63').set('X-Parley-Owner', first.body.ownerToken).expect(201);
      expect(after.body.comment.status).toBe('pending');
    } finally {
      await api.patch('/settings', { mode: 'post' }).expect(200);
    }
  });

  test('closed pages and length limits', async () => {
    await post({ page: '/closing' }, '192.0.2.70').expect(201);
    await t.ctx.prisma.page.update({ where: { siteId_key: { siteId: site, key: '/closing' } }, data: { closed: true } });
    expect((await post({ page: '/closing' }, '192.0.2.71').expect(409)).body.error.code).toBe('comments_closed');

    await api.patch('/settings', { closeAfterDays: 7 }).expect(200);
    await post({ page: '/old' }, '192.0.2.72').expect(201);
    t.clock.advance(8 * 86_400_000);
    expect((await post({ page: '/old' }, '192.0.2.73').expect(409)).body.error.code).toBe('comments_closed');
    await api.patch('/settings', { closeAfterDays: null, limits: { name: 10 } }).expect(200);
    const res = await post({ page: '/limits', name: 'A much longer name' }, '192.0.2.74').expect(400);
    expect(res.body.error.fields).toEqual({ name: 'Use at most 10 characters.' });
    await api.patch('/settings', { limits: { name: 80 } }).expect(200);
  });
});
