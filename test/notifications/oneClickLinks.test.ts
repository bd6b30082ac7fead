import request from 'supertest';
import { moderateLinkToken, unsubscribeLinkToken, type ModerateAction } from '../../src/notifications/linkTokens';
import { createModerator, createTestApp, type TestApp } from '../helpers/testApp';
import { createHeldSite, postComment } from './notificationFixtures';

let t: TestApp;
let site: string;
let mod: { id: string; apiKey: string };

beforeAll(async () => {
  t = await createTestApp();
  site = await createHeldSite(t.ctx);
  mod = await createModerator(t.ctx, { siteIds: [site], name: 'Morgan' });
});
afterAll(() => t.close());

const link = (commentId: string, action: ModerateAction, moderatorId = mod.id) =>
  `/moderate/${moderateLinkToken(t.ctx.secretKey, { commentId, moderatorId, action, now: t.ctx.now() })}`;
const status = async (id: string) => (await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id } })).status;
const auditCount = (commentId: string) => t.ctx.prisma.auditEvent.count({ where: { commentId, via: 'email' } });

describe('GET /moderate/:token', () => {
  test('shows a confirm page naming the comment and the action, escaped, and changes nothing', async () => {
    const c = await postComment(t, site, { name: 'Eve <img src=x onerror=alert(1)>', body: 'Hello <b>there</b>', pageTitle: 'A & B' });
    for (const action of ['approve', 'reject', 'spam'] as const) {
      const res = await request(t.app).get(link(c.id, action)).expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toContain('<form method="post">');
      expect(res.text.match(/<button/g)).toHaveLength(1);
      expect(res.text).toContain('Eve &lt;img src=x onerror=alert(1)&gt;');
      expect(res.text).toContain('Hello &lt;b&gt;there&lt;/b&gt;');
      expect(res.text).toContain('A &amp; B');
      expect(res.text).not.toMatch(/<script|style=|@example\.org/);
    }
    expect(await status(c.id)).toBe('pending');
    expect(await auditCount(c.id)).toBe(0);
  });

  test('its stylesheet is served from the same origin (the CSP forbids inline styles)', async () => {
    const res = await request(t.app).get('/moderate/page.css').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/css/);
  });
});

describe('POST /moderate/:token', () => {
  test('acts, is written to the audit log under that moderator, and a second use is harmless', async () => {
    const c = await postComment(t, site);
    const url = link(c.id, 'approve');
    const res = await request(t.app).post(url).type('form').send({ action: 'approve' }).expect(200);
    expect(res.text).toContain('approved');
    expect(await status(c.id)).toBe('approved');
    const events = await t.ctx.prisma.auditEvent.findMany({ where: { commentId: c.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'approve', moderatorId: mod.id, via: 'email', fromStatus: 'pending', toStatus: 'approved' });

    const again = await request(t.app).post(url).expect(200);
    expect(again.text).toContain('already approved');
    expect(await t.ctx.prisma.auditEvent.count({ where: { commentId: c.id } })).toBe(1);
  });

  test.each(['reject', 'spam'] as const)('%s works the same way', async (action) => {
    const c = await postComment(t, site);
    await request(t.app).post(link(c.id, action)).expect(200);
    expect(await status(c.id)).toBe(action === 'reject' ? 'rejected' : 'spam');
    expect(await auditCount(c.id)).toBe(1);
  });

  test('an expired link gets 410 and changes nothing', async () => {
    const c = await postComment(t, site);
    const url = link(c.id, 'approve');
    t.clock.advance(15 * 24 * 3600 * 1000);
    try {
      const get = await request(t.app).get(url).expect(410);
      expect(get.headers['content-type']).toMatch(/text\/html/);
      await request(t.app).post(url).expect(410);
    } finally {
      t.clock.advance(-15 * 24 * 3600 * 1000);
    }
    expect(await status(c.id)).toBe('pending');
  });

  test('a tampered link gets 400 and changes nothing', async () => {
    const c = await postComment(t, site);
    const url = link(c.id, 'approve');
    const last = url.slice(-1);
    const tampered = url.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    await request(t.app).get(tampered).expect(400);
    await request(t.app).post(tampered).expect(400);
    await request(t.app).post('/moderate/not-a-token').expect(400);
    // re-signed with another key
    const forged = `/moderate/${moderateLinkToken(Buffer.alloc(32, 7), { commentId: c.id, moderatorId: mod.id, action: 'approve', now: t.ctx.now() })}`;
    await request(t.app).post(forged).expect(400);
    expect(await status(c.id)).toBe('pending');
  });

  test('a link used for another action, or on the other route, gets 400', async () => {
    const c = await postComment(t, site);
    await request(t.app).post(link(c.id, 'approve')).type('form').send({ action: 'spam' }).expect(400);
    const unsub = unsubscribeLinkToken(t.ctx.secretKey, { commentId: c.id, now: t.ctx.now() });
    await request(t.app).post(`/moderate/${unsub}`).expect(400);
    await request(t.app).post(`/unsubscribe/${link(c.id, 'approve').split('/').pop()}`).expect(400);
    expect(await status(c.id)).toBe('pending');
  });

  test('an old link does not override a newer decision', async () => {
    const c = await postComment(t, site);
    await request(t.app).post(link(c.id, 'approve')).expect(200);
    const res = await request(t.app).post(link(c.id, 'spam')).expect(409);
    expect(res.text).toContain('already moderated');
    expect(await status(c.id)).toBe('approved');
  });

  test('a revoked moderator or one of another site cannot act', async () => {
    const c = await postComment(t, site);
    const otherSite = await createHeldSite(t.ctx);
    const outsider = await createModerator(t.ctx, { siteIds: [otherSite] });
    await request(t.app).post(link(c.id, 'approve', outsider.id)).expect(404);
    const revoked = await createModerator(t.ctx, { siteIds: [site] });
    await t.ctx.prisma.moderator.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    await request(t.app).post(link(c.id, 'approve', revoked.id)).expect(403);
    expect(await status(c.id)).toBe('pending');
  });
});

describe('GET /api/v1/moderation/jobs', () => {
  test('lists the moderator’s sites’ jobs with attempts and last error, and counts per status', async () => {
    const c = await postComment(t, site);
    const res = await request(t.app).get('/api/v1/moderation/jobs').set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
    expect(res.body.counts).toEqual(expect.objectContaining({ queued: expect.any(Number), sent: 0, dead: 0, running: 0, retrying: 0 }));
    const job = res.body.jobs.find((j: { payload: { commentId?: string } }) => j.payload.commentId === c.id);
    expect(job).toMatchObject({ kind: 'notify_new_comment', status: 'queued', attempts: 0, maxAttempts: expect.any(Number), lastError: null, siteId: site });
    expect(JSON.stringify(res.body)).not.toContain('@');

    const filtered = await request(t.app).get('/api/v1/moderation/jobs?status=dead').set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
    expect(filtered.body.jobs).toEqual([]);
    await request(t.app).get('/api/v1/moderation/jobs?status=bogus').set('Authorization', `Bearer ${mod.apiKey}`).expect(400);
    await request(t.app).get('/api/v1/moderation/jobs').expect(401);

    const stranger = await createModerator(t.ctx, { siteIds: [await createHeldSite(t.ctx)] });
    const theirs = await request(t.app).get('/api/v1/moderation/jobs').set('Authorization', `Bearer ${stranger.apiKey}`).expect(200);
    expect(theirs.body.jobs).toEqual([]);
    expect(theirs.body.counts.queued).toBe(0);
  });
});

describe('/api/v1/moderation/notifications', () => {
  test('a moderator switches a site to a digest and back, only on their own sites', async () => {
    const auth = { Authorization: `Bearer ${mod.apiKey}` };
    const list = await request(t.app).get('/api/v1/moderation/notifications').set(auth).expect(200);
    expect(list.body.sites).toEqual([{ site, notifyMode: 'each', digestMinutes: 60, lastDigestAt: null }]);
    const res = await request(t.app).patch(`/api/v1/moderation/notifications/${site}`).set(auth).send({ notifyMode: 'digest', digestMinutes: 30 }).expect(200);
    expect(res.body).toMatchObject({ site, notifyMode: 'digest', digestMinutes: 30 });
    await request(t.app).patch(`/api/v1/moderation/notifications/${site}`).set(auth).send({ digestMinutes: 1 }).expect(400);
    await request(t.app).patch(`/api/v1/moderation/notifications/${site}`).set(auth).send({ notifyMode: 'hourly' }).expect(400);
    await request(t.app).patch('/api/v1/moderation/notifications/not-mine').set(auth).send({ notifyMode: 'digest' }).expect(404);
    await request(t.app).patch(`/api/v1/moderation/notifications/${site}`).set(auth).send({ notifyMode: 'each' }).expect(200);
    await request(t.app).get('/api/v1/moderation/notifications').expect(401);
  });
});
