import request from 'supertest';
import { enqueueJob } from '../../src/notifications/queue';
import { commentInput, createModerator, createSite, createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/testApp';

/**
 * Site administration (contract v1.1): name and allowed origins (validated, applied to the widget's
 * CORS at once), moderators (invite, role, remove, never the last admin), and retrying a dead job.
 */
let t: TestApp;
let site: string;
let otherSite: string;
let admin: { id: string; apiKey: string; email: string };
let mod: { id: string; apiKey: string; email: string };
let otherAdmin: { id: string; apiKey: string };

const as = (who: { apiKey: string }) => ({
  get: (path: string) => request(t.app).get(path).set('Authorization', `Bearer ${who.apiKey}`),
  patch: (path: string, body: object) => request(t.app).patch(path).set('Authorization', `Bearer ${who.apiKey}`).send(body),
  post: (path: string, body?: object) => request(t.app).post(path).set('Authorization', `Bearer ${who.apiKey}`).send(body),
  delete: (path: string) => request(t.app).delete(path).set('Authorization', `Bearer ${who.apiKey}`),
});

beforeAll(async () => {
  t = await createTestApp();
  site = await createSite(t.ctx);
  otherSite = await createSite(t.ctx);
  admin = await createModerator(t.ctx, { siteIds: [site], role: 'admin', name: 'Ada Admin' });
  mod = await createModerator(t.ctx, { siteIds: [site], name: 'Mo Moderator' });
  otherAdmin = await createModerator(t.ctx, { siteIds: [otherSite], role: 'admin' });
});
afterAll(() => t.close());

describe('GET and PATCH /api/v1/moderation/sites/{site}', () => {
  test('an admin reads the name, allowed origins and settings', async () => {
    const res = await as(admin).get(`/api/v1/moderation/sites/${site}`).expect(200);
    expect(res.body).toEqual({
      site: { id: site, name: `Site ${site}`, allowedOrigins: [TEST_ORIGIN], settings: expect.objectContaining({ mode: expect.any(String) }) },
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('origins are validated: https://host[:port], http:// only for localhost and 127.0.0.1, no path', async () => {
    for (const bad of [
      'http://news.example', 'ftp://news.example', 'https://news.example/path', 'https://user:pw@news.example', '*', 'news.example',
      'https://news.example?x=1', 'https://news.example#top', 'javascript:alert(1)', 'https://', '', 42,
    ]) {
      const res = await as(admin).patch(`/api/v1/moderation/sites/${site}`, { allowedOrigins: [TEST_ORIGIN, bad] });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.fields['allowedOrigins.1']).toMatch(typeof bad === 'string' ? /https:\/\/host/ : /must be text/);
    }
    expect((await as(admin).get(`/api/v1/moderation/sites/${site}`)).body.site.allowedOrigins).toEqual([TEST_ORIGIN]);
    for (const body of [{}, { allowedOrigins: 'https://news.example' }, { name: '' }, { name: 'x\ny' }, { name: 'ok', extra: 1 }]) {
      expect((await as(admin).patch(`/api/v1/moderation/sites/${site}`, body)).status).toBe(400);
    }
  });

  test('valid origins are normalised and deduplicated; the name changes', async () => {
    const res = await as(admin)
      .patch(`/api/v1/moderation/sites/${site}`, {
        name: '  The Daily Example ',
        allowedOrigins: ['https://News.Example/', 'https://news.example', 'https://blog.example:8443', 'http://localhost:8080', 'http://127.0.0.1'],
      })
      .expect(200);
    expect(res.body.site.name).toBe('The Daily Example');
    expect(res.body.site.allowedOrigins).toEqual(['https://news.example', 'https://blog.example:8443', 'http://localhost:8080', 'http://127.0.0.1']);
  });

  test("after a PATCH the widget's CORS accepts the new origin and refuses the removed one", async () => {
    const postFrom = (origin: string) =>
      request(t.app).post(`/api/v1/sites/${site}/comments`).set('Origin', origin).send(commentInput({ page: '/cors' }));
    await as(admin).patch(`/api/v1/moderation/sites/${site}`, { allowedOrigins: [TEST_ORIGIN] }).expect(200);
    await postFrom(TEST_ORIGIN).expect(201); // warms the site cache with the old list
    expect((await postFrom('https://new.example')).status).toBe(403);

    await as(admin).patch(`/api/v1/moderation/sites/${site}`, { allowedOrigins: ['https://new.example'] }).expect(200);
    const ok = await postFrom('https://new.example').expect(201);
    expect(ok.headers['access-control-allow-origin']).toBe('https://new.example');
    expect((await postFrom(TEST_ORIGIN)).status).toBe(403);
    await as(admin).patch(`/api/v1/moderation/sites/${site}`, { allowedOrigins: [TEST_ORIGIN] }).expect(200);
  });

  test('a moderator who is not an admin, and an admin of another site, get 403', async () => {
    for (const who of [mod, otherAdmin]) {
      const get = await as(who).get(`/api/v1/moderation/sites/${site}`);
      expect(get.status).toBe(403);
      expect(get.body.error.code).toBe('forbidden');
      expect((await as(who).patch(`/api/v1/moderation/sites/${site}`, { name: 'Hijacked' })).status).toBe(403);
    }
    expect((await t.ctx.prisma.site.findUniqueOrThrow({ where: { id: site } })).name).not.toBe('Hijacked');
  });
});

describe('moderators of a site', () => {
  test('admins see emails in the list; moderators see the list without them; others get 403', async () => {
    const byAdmin = await as(admin).get(`/api/v1/moderation/sites/${site}/moderators`).expect(200);
    expect(byAdmin.body.moderators).toEqual([
      { id: admin.id, name: 'Ada Admin', email: admin.email, role: 'admin' },
      { id: mod.id, name: 'Mo Moderator', email: mod.email, role: 'moderator' },
    ]);
    const byMod = await as(mod).get(`/api/v1/moderation/sites/${site}/moderators`).expect(200);
    expect(byMod.body.moderators).toEqual([
      { id: admin.id, name: 'Ada Admin', role: 'admin' },
      { id: mod.id, name: 'Mo Moderator', role: 'moderator' },
    ]);
    expect(JSON.stringify(byMod.body)).not.toContain('@');
    expect((await as(otherAdmin).get(`/api/v1/moderation/sites/${site}/moderators`)).status).toBe(403);
  });

  test('inviting a new person creates a moderator and queues a sign-in email (payload without the address)', async () => {
    const res = await as(admin).post(`/api/v1/moderation/sites/${site}/moderators`, { name: 'Nina New', email: 'nina@newsroom.example', role: 'moderator' }).expect(201);
    expect(res.body.moderator).toEqual({ id: expect.any(String), name: 'Nina New', email: 'nina@newsroom.example', role: 'moderator' });
    const jobs = await t.ctx.prisma.job.findMany({ where: { kind: 'send_sign_in_link' } });
    expect(jobs.map((j) => j.payload)).toContainEqual({ siteId: site, moderatorId: res.body.moderator.id });
    expect(JSON.stringify(jobs.map((j) => j.payload))).not.toContain('nina@');
    expect((await as(mod).get(`/api/v1/moderation/sites/${site}/moderators`)).body.moderators.map((m: { name: string }) => m.name)).toContain('Nina New');
  });

  test('inviting the address of an existing moderator adds the membership to that moderator; twice is 409', async () => {
    const res = await as(otherAdmin)
      .post(`/api/v1/moderation/sites/${otherSite}/moderators`, { name: 'Someone Else', email: `  ${mod.email.toUpperCase()} `, role: 'admin' })
      .expect(201);
    expect(res.body.moderator).toMatchObject({ id: mod.id, name: 'Mo Moderator', role: 'admin' });
    const me = await as(mod).get('/api/v1/moderation/me').expect(200);
    expect(me.body.sites.map((s: { id: string; role: string }) => [s.id, s.role]).sort()).toEqual([[otherSite, 'admin'], [site, 'moderator']].sort());
    const again = await as(otherAdmin).post(`/api/v1/moderation/sites/${otherSite}/moderators`, { name: 'Mo', email: mod.email, role: 'moderator' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    await as(otherAdmin).delete(`/api/v1/moderation/sites/${otherSite}/moderators/${mod.id}`).expect(204);
  });

  test('bad invitations are 400 with field errors', async () => {
    const res = await as(admin).post(`/api/v1/moderation/sites/${site}/moderators`, { name: '', email: 'not-an-address', role: 'owner' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['email', 'name', 'role']);
  });

  test('roles change; the last admin can be neither demoted nor removed (409)', async () => {
    const demote = await as(admin).patch(`/api/v1/moderation/sites/${site}/moderators/${admin.id}`, { role: 'moderator' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('conflict');
    expect((await as(admin).delete(`/api/v1/moderation/sites/${site}/moderators/${admin.id}`)).status).toBe(409);

    const promoted = await as(admin).patch(`/api/v1/moderation/sites/${site}/moderators/${mod.id}`, { role: 'admin' }).expect(200);
    expect(promoted.body.moderator).toMatchObject({ id: mod.id, role: 'admin' });
    // Now there are two admins: the first may step down, and the second is then the last.
    await as(admin).patch(`/api/v1/moderation/sites/${site}/moderators/${admin.id}`, { role: 'moderator' }).expect(200);
    expect((await as(mod).patch(`/api/v1/moderation/sites/${site}/moderators/${mod.id}`, { role: 'moderator' })).status).toBe(409);
    await as(mod).patch(`/api/v1/moderation/sites/${site}/moderators/${admin.id}`, { role: 'admin' }).expect(200);
    await as(admin).patch(`/api/v1/moderation/sites/${site}/moderators/${mod.id}`, { role: 'moderator' }).expect(200);
  });

  test('removing a moderator ends their access to the site at once; unknown ids are 404', async () => {
    const temp = await createModerator(t.ctx, { siteIds: [site] });
    await as(temp).get('/api/v1/moderation/comments').query({ site }).expect(200);
    await as(admin).delete(`/api/v1/moderation/sites/${site}/moderators/${temp.id}`).expect(204);
    expect((await as(temp).get('/api/v1/moderation/comments').query({ site })).status).toBe(403);
    expect((await as(admin).delete(`/api/v1/moderation/sites/${site}/moderators/${temp.id}`)).status).toBe(404);
    expect((await as(admin).patch(`/api/v1/moderation/sites/${site}/moderators/00000000-0000-4000-8000-000000000000`, { role: 'admin' })).status).toBe(404);
    expect((await as(admin).delete(`/api/v1/moderation/sites/${site}/moderators/not-a-uuid`)).status).toBe(400);
  });
});

describe('POST /api/v1/moderation/jobs/{id}/retry', () => {
  async function deadJob(siteId: string): Promise<string> {
    const id = (await enqueueJob(t.ctx.prisma, 'send_moderator_digest', { siteId, moderatorId: admin.id }))!;
    await t.ctx.prisma.job.update({ where: { id: BigInt(id) }, data: { status: 'dead', attempts: 8, lastError: 'SMTP 550', finishedAt: new Date() } });
    return id;
  }

  test('an admin of the job site retries a dead job once; a job that is not dead is 409', async () => {
    const id = await deadJob(site);
    const res = await as(admin).post(`/api/v1/moderation/jobs/${id}/retry`).expect(200);
    expect(res.body.job).toMatchObject({ id, status: 'retrying', attempts: 0, siteId: site, finishedAt: null });
    const again = await as(admin).post(`/api/v1/moderation/jobs/${id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });

  test('a moderator gets 403; another site or an unknown job is 404; a malformed id is 400', async () => {
    const id = await deadJob(site);
    expect((await as(mod).post(`/api/v1/moderation/jobs/${id}/retry`)).status).toBe(403);
    expect((await as(otherAdmin).post(`/api/v1/moderation/jobs/${id}/retry`)).status).toBe(404);
    expect((await as(admin).post('/api/v1/moderation/jobs/999999999/retry')).status).toBe(404);
    expect((await as(admin).post('/api/v1/moderation/jobs/abc/retry')).status).toBe(400);
    expect((await t.ctx.prisma.job.findUniqueOrThrow({ where: { id: BigInt(id) } })).status).toBe('dead');
  });
});

test('the OpenAPI document lists the new endpoints', async () => {
  const doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
  for (const path of [
    '/api/v1/moderation/me', '/api/v1/moderation/sites/{site}', '/api/v1/moderation/sites/{site}/moderators',
    '/api/v1/moderation/sites/{site}/moderators/{id}', '/api/v1/moderation/jobs/{id}/retry', '/admin/login', '/admin/login/key', '/admin/login/{token}', '/admin/logout',
  ]) {
    expect(doc.paths[path]).toBeDefined();
  }
});
