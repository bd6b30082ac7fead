import request from 'supertest';
import { createApp } from '../../src/app';
import { runCli } from '../cli/cliHarness';
import { signInWithKey, sessionCookieFrom } from '../helpers/consoleSession';
import { commentInput, createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/**
 * Console sessions (cookie parley_session): how the cookie is set, CSRF on every state change, one site's
 * moderator kept off another site, sign-out, revocation (moderator, key) and expiry (idle, absolute).
 */
let t: TestApp;
let siteA: string;
let siteB: string;
let modA: { id: string; apiKey: string; name: string };
let commentA: string;
let commentB: string;

let ipCounter = 0;
const freshIp = () => `198.51.100.${++ipCounter}`;
const post = (site: string, page: string) =>
  request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page })).expect(201).then((r) => r.body.comment.id as string);

beforeAll(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: '1' } });
  siteA = await createSite(t.ctx, { settings: { mode: 'pre' } });
  siteB = await createSite(t.ctx, { settings: { mode: 'pre' } });
  modA = await createModerator(t.ctx, { siteIds: [siteA], name: 'Ada Admin', role: 'admin' });
  await createModerator(t.ctx, { siteIds: [siteB] });
  commentA = await post(siteA, '/a');
  commentB = await post(siteB, '/b');
});
afterAll(() => t.close());

describe('signing in with an API key', () => {
  test('a right key sets an HttpOnly, SameSite=Lax session cookie on / and goes to /admin', async () => {
    const res = await request(t.app).post('/admin/login/key').set('X-Forwarded-For', freshIp()).type('form').send({ key: modA.apiKey });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin');
    const setCookie = ([] as string[]).concat(res.headers['set-cookie']).find((c) => c.startsWith('parley_session='))!;
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/; Secure/); // PUBLIC_URL is http here
    // Only the hash is stored: the cookie's value is in no row.
    const token = sessionCookieFrom(res).split('=')[1];
    const rows = await t.ctx.pool.query(`SELECT 1 FROM "ConsoleSession" WHERE "tokenHash" = $1 OR "csrfSecret" = $1`, [token]);
    expect(rows.rowCount).toBe(0);
  });

  test('the cookie is Secure when PUBLIC_URL is https', async () => {
    const app = createApp({ ...t.ctx, publicUrl: 'https://comments.example' });
    const res = await request(app).post('/admin/login/key').set('X-Forwarded-For', freshIp()).type('form').send({ key: modA.apiKey }).expect(303);
    expect(String(res.headers['set-cookie'])).toMatch(/parley_session=[^;]+;.*Secure/);
  });

  test("signing in again from the same browser ends that browser's previous session", async () => {
    const first = await signInWithKey(t.app, modA.apiKey, freshIp());
    const again = await request(t.app).post('/admin/login/key').set('Cookie', first.cookie).set('X-Forwarded-For', freshIp()).type('form').send({ key: modA.apiKey }).expect(303);
    expect(sessionCookieFrom(again)).not.toBe(first.cookie);
    expect((await request(t.app).get('/api/v1/moderation/me').set('Cookie', first.cookie)).status).toBe(401);
    await request(t.app).get('/api/v1/moderation/me').set('Cookie', sessionCookieFrom(again)).expect(200);
  });

  test('a safe next path is kept; another origin is not', async () => {
    const to = (next: string) =>
      request(t.app).post('/admin/login/key').set('X-Forwarded-For', freshIp()).type('form').send({ key: modA.apiKey, next }).then((r) => r.headers.location);
    expect(await to(`/admin/comments/${commentA}`)).toBe(`/admin/comments/${commentA}`);
    for (const evil of ['https://evil.example/admin', '//evil.example/admin', '/\\evil.example', '/api/v1/moderation/me', 'javascript:alert(1)']) {
      expect(await to(evil)).toBe('/admin');
    }
  });

  test('a wrong key shows the sign-in page again with an error (401), and sets no cookie', async () => {
    const res = await request(t.app).post('/admin/login/key').set('X-Forwarded-For', freshIp()).type('form').send({ key: 'pk_wrongwrongwrongwrong' });
    expect(res.status).toBe(401);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('This API key is not valid.');
    expect(res.text).toMatch(/<label for="signin-key">API key<\/label>/);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  test('key guessing is locked out like the Bearer header, even for a right key afterwards', async () => {
    const ip = freshIp();
    let last = 0;
    for (let i = 0; i < 21; i++) {
      last = (await request(t.app).post('/admin/login/key').set('X-Forwarded-For', ip).type('form').send({ key: `pk_guess${i}guessguess` })).status;
    }
    expect(last).toBe(429);
    const right = await request(t.app).post('/admin/login/key').set('X-Forwarded-For', ip).type('form').send({ key: modA.apiKey });
    expect(right.status).toBe(429);
    expect(right.headers['retry-after']).toBeDefined();
    expect(right.text).toContain('Too many failed sign-in attempts');
  });

  test('a sign-in form posted from another origin is refused (login CSRF)', async () => {
    const res = await request(t.app).post('/admin/login/key').set('Origin', 'https://evil.example').type('form').send({ key: modA.apiKey });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  test('the sign-in page is in French on request, and the key field is still labelled "API key"', async () => {
    const res = await request(t.app).post('/admin/login/key').set('X-Forwarded-For', freshIp()).set('Accept-Language', 'fr-CA,fr;q=0.9').type('form').send({ key: 'pk_wrongwrongwrongwrong' });
    expect(res.text).toContain('<html lang="fr">');
    expect(res.text).toContain('Cette clé d’API n’est pas valide.');
    expect(res.text).toMatch(/<label for="signin-key">API key<\/label>/);
  });
});

describe('GET /api/v1/moderation/me', () => {
  test('with the cookie: the moderator, their sites with roles, and the CSRF token', async () => {
    const s = await signInWithKey(t.app, modA.apiKey, freshIp());
    const res = await request(t.app).get('/api/v1/moderation/me').set('Cookie', s.cookie).expect(200);
    expect(res.body).toEqual({
      moderator: { id: modA.id, name: 'Ada Admin' },
      sites: [{ id: siteA, name: `Site ${siteA}`, role: 'admin' }],
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('with a Bearer key: csrfToken is null', async () => {
    const res = await request(t.app).get('/api/v1/moderation/me').set('Authorization', `Bearer ${modA.apiKey}`).expect(200);
    expect(res.body.csrfToken).toBeNull();
    expect(res.body.moderator.id).toBe(modA.id);
  });

  test('with neither: 401', async () => {
    const res = await request(t.app).get('/api/v1/moderation/me').set('X-Forwarded-For', freshIp());
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });
});

describe('CSRF', () => {
  test('a state change with the cookie but without, or with a wrong, CSRF token is refused with 403', async () => {
    const s = await signInWithKey(t.app, modA.apiKey, freshIp());
    const attempts = [
      request(t.app).post(`/api/v1/moderation/comments/${commentA}/approve`).set('Cookie', s.cookie),
      request(t.app).post(`/api/v1/moderation/comments/${commentA}/approve`).set('Cookie', s.cookie).set('X-CSRF-Token', 'wrong'),
      request(t.app).post(`/api/v1/moderation/comments/${commentA}/approve`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrfToken.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))),
      request(t.app).post(`/api/v1/moderation/comments/${commentA}/approve`).set('Cookie', s.cookie).type('form').send({ _csrf: 'wrong' }),
      request(t.app).patch(`/api/v1/moderation/comments/${commentA}`).set('Cookie', s.cookie).send({ body: 'hijacked' }),
      request(t.app).delete(`/api/v1/moderation/comments/${commentA}`).set('Cookie', s.cookie),
      request(t.app).post('/api/v1/moderation/comments/bulk').set('Cookie', s.cookie).send({ ids: [commentA], action: 'approve' }),
      request(t.app).patch(`/api/v1/moderation/sites/${siteA}/settings`).set('Cookie', s.cookie).send({ mode: 'post' }),
    ];
    for (const attempt of attempts) {
      const res = await attempt;
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const c = await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: commentA } });
    expect(c.status).toBe('pending');
    expect(c.body).not.toBe('hijacked');
  });

  test('the right token, in the header or the _csrf form field, lets the change through', async () => {
    const s = await signInWithKey(t.app, modA.apiKey, freshIp());
    const id = await post(siteA, '/csrf-ok');
    const res = await request(t.app).post(`/api/v1/moderation/comments/${id}/approve`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrfToken).expect(200);
    expect(res.body.comment.status).toBe('approved');
    await request(t.app).post(`/api/v1/moderation/comments/${id}/reject`).set('Cookie', s.cookie).type('form').send({ _csrf: s.csrfToken }).expect(200);
    expect((await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id } })).status).toBe('rejected');
  });

  test('reads need no token, and Bearer requests need none either', async () => {
    const s = await signInWithKey(t.app, modA.apiKey, freshIp());
    await request(t.app).get('/api/v1/moderation/comments').set('Cookie', s.cookie).expect(200);
    const id = await post(siteA, '/bearer');
    await request(t.app).post(`/api/v1/moderation/comments/${id}/approve`).set('Authorization', `Bearer ${modA.apiKey}`).expect(200);
  });

  test("one session's token does not work with another session", async () => {
    const one = await signInWithKey(t.app, modA.apiKey, freshIp());
    const two = await signInWithKey(t.app, modA.apiKey, freshIp());
    expect(one.csrfToken).not.toBe(two.csrfToken);
    const res = await request(t.app).post(`/api/v1/moderation/comments/${commentA}/approve`).set('Cookie', one.cookie).set('X-CSRF-Token', two.csrfToken);
    expect(res.status).toBe(403);
  });
});

test("a session of site A's moderator can neither read nor act on site B's comments", async () => {
  const s = await signInWithKey(t.app, modA.apiKey, freshIp());
  const h = (r: request.Test) => r.set('Cookie', s.cookie).set('X-CSRF-Token', s.csrfToken);
  const list = await h(request(t.app).get('/api/v1/moderation/comments').query({ status: 'all' })).expect(200);
  expect(list.body.comments.map((c: { id: string }) => c.id)).not.toContain(commentB);
  expect((await h(request(t.app).get('/api/v1/moderation/comments').query({ site: siteB }))).status).toBe(403);
  for (const action of ['approve', 'reject', 'spam', 'restore']) {
    expect((await h(request(t.app).post(`/api/v1/moderation/comments/${commentB}/${action}`))).status).toBe(404);
  }
  expect((await h(request(t.app).patch(`/api/v1/moderation/comments/${commentB}`).send({ body: 'x' }))).status).toBe(404);
  expect((await h(request(t.app).delete(`/api/v1/moderation/comments/${commentB}`))).status).toBe(404);
  const bulk = await h(request(t.app).post('/api/v1/moderation/comments/bulk').send({ ids: [commentB], action: 'approve' })).expect(200);
  expect(bulk.body.results[0].ok).toBe(false);
  expect((await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: commentB } })).status).toBe('pending');
});

describe('ending a session', () => {
  test('sign out needs the CSRF token, then the cookie is refused', async () => {
    const s = await signInWithKey(t.app, modA.apiKey, freshIp());
    const forged = await request(t.app).post('/admin/logout').set('Cookie', s.cookie);
    expect(forged.status).toBe(403);
    expect(forged.type).toBe('text/html');
    await request(t.app).get('/api/v1/moderation/me').set('Cookie', s.cookie).expect(200);

    const out = await request(t.app).post('/admin/logout').set('Cookie', s.cookie).type('form').send({ _csrf: s.csrfToken });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/admin');
    expect(String(out.headers['set-cookie'])).toMatch(/parley_session=;.*Expires=Thu, 01 Jan 1970/);
    const after = await request(t.app).get('/api/v1/moderation/me').set('Cookie', s.cookie).set('X-Forwarded-For', freshIp());
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
  });

  test('revoking the moderator (CLI) ends their sessions', async () => {
    const mod = await createModerator(t.ctx, { siteIds: [siteA] });
    const s = await signInWithKey(t.app, mod.apiKey, freshIp());
    const run = await runCli(t.ctx, 'moderator', 'revoke', mod.id);
    expect(run.code).toBe(0);
    expect(run.out).toContain('1 console session(s)');
    expect((await request(t.app).get('/api/v1/moderation/comments').set('Cookie', s.cookie)).status).toBe(401);
    expect(await t.ctx.prisma.consoleSession.count({ where: { moderatorId: mod.id, revokedAt: null } })).toBe(0);
  });

  test('a new key (without --keep-old) ends the sessions signed in with the old one; --keep-old keeps them', async () => {
    const mod = await createModerator(t.ctx, { siteIds: [siteA] });
    const s = await signInWithKey(t.app, mod.apiKey, freshIp());
    expect((await runCli(t.ctx, 'moderator', 'key', mod.id, '--keep-old')).code).toBe(0);
    await request(t.app).get('/api/v1/moderation/me').set('Cookie', s.cookie).expect(200);
    expect((await runCli(t.ctx, 'moderator', 'key', mod.id)).code).toBe(0);
    expect((await request(t.app).get('/api/v1/moderation/me').set('Cookie', s.cookie)).status).toBe(401);
    expect(await t.ctx.prisma.consoleSession.count({ where: { moderatorId: mod.id, revokedAt: null } })).toBe(0);
  });

  test('a session idle for more than 12 hours has expired; activity keeps it alive up to 7 days', async () => {
    const s = await signInWithKey(t.app, modA.apiKey, freshIp());
    const idle = await signInWithKey(t.app, modA.apiKey, freshIp());
    const hour = 3600 * 1000;
    for (let elapsed = 0; elapsed < 6 * 24; elapsed += 11) {
      t.clock.advance(11 * hour);
      await request(t.app).get('/api/v1/moderation/me').set('Cookie', s.cookie).expect(200);
    }
    expect((await request(t.app).get('/api/v1/moderation/me').set('Cookie', idle.cookie)).status).toBe(401);
    t.clock.advance(24 * hour); // past 7 days since sign-in, though seen 11 hours ago at most
    expect((await request(t.app).get('/api/v1/moderation/me').set('Cookie', s.cookie)).status).toBe(401);
  });

  test('GET /admin/login (a bookmarked form address) goes back to the sign-in page', async () => {
    const res = await request(t.app).get('/admin/login?lang=fr').expect(303);
    expect(res.headers.location).toBe('/admin?lang=fr');
  });

  test('a forged or malformed cookie is refused like no cookie', async () => {
    for (const cookie of ['parley_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'parley_session=short', 'parley_session=']) {
      const res = await request(t.app).get('/api/v1/moderation/me').set('Cookie', cookie).set('X-Forwarded-For', freshIp());
      expect(res.status).toBe(401);
    }
  });
});
