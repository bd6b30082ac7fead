import request from 'supertest';
import { enqueueJob } from '../../src/notifications/queue';
import { signInWithKey, type ConsoleSignIn } from '../helpers/consoleSession';
import { createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/**
 * Roles through the console: a signed-in moderator who is not an admin gets 403 on every admin endpoint,
 * even with a valid CSRF token, and changes nothing; the site's admin, with the same session kind, may.
 */
let t: TestApp;
let site: string;
let admin: { id: string; apiKey: string };
let mod: { id: string; apiKey: string };
let modSession: ConsoleSignIn;
let adminSession: ConsoleSignIn;
let deadJobId: string;

beforeAll(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: '1' } });
  site = await createSite(t.ctx);
  admin = await createModerator(t.ctx, { siteIds: [site], role: 'admin' });
  mod = await createModerator(t.ctx, { siteIds: [site] });
  modSession = await signInWithKey(t.app, mod.apiKey, '203.0.113.1');
  adminSession = await signInWithKey(t.app, admin.apiKey, '203.0.113.2');
  deadJobId = (await enqueueJob(t.ctx.prisma, 'send_moderator_digest', { siteId: site, moderatorId: admin.id }))!;
  await t.ctx.prisma.job.update({ where: { id: BigInt(deadJobId) }, data: { status: 'dead' } });
});
afterAll(() => t.close());

const adminEndpoints = (): Array<[string, string, object | undefined]> => [
  ['GET', `/api/v1/moderation/sites/${site}`, undefined],
  ['PATCH', `/api/v1/moderation/sites/${site}`, { name: 'Taken over' }],
  ['POST', `/api/v1/moderation/sites/${site}/moderators`, { name: 'Mallory', email: 'mallory@evil.example', role: 'admin' }],
  ['PATCH', `/api/v1/moderation/sites/${site}/moderators/${mod?.id}`, { role: 'admin' }],
  ['DELETE', `/api/v1/moderation/sites/${site}/moderators/${admin?.id}`, undefined],
  ['PATCH', `/api/v1/moderation/sites/${site}/settings`, { mode: 'post' }],
  ['PATCH', `/api/v1/moderation/sites/${site}/words`, { holdWords: { add: ['x'] } }],
  ['POST', `/api/v1/moderation/jobs/${deadJobId}/retry`, undefined],
];

function send(session: ConsoleSignIn, method: string, path: string, body?: object) {
  const req = request(t.app)[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path).set('Cookie', session.cookie).set('X-CSRF-Token', session.csrfToken);
  return body ? req.send(body) : req;
}

test('a moderator (not admin) gets 403 forbidden on every admin endpoint, and nothing changes', async () => {
  for (const [method, path, body] of adminEndpoints()) {
    const res = await send(modSession, method, path, body);
    expect([method, path, res.status, res.body.error?.code]).toEqual([method, path, 403, 'forbidden']);
  }
  const siteRow = await t.ctx.prisma.site.findUniqueOrThrow({ where: { id: site } });
  expect(siteRow.name).not.toBe('Taken over');
  expect(await t.ctx.prisma.moderator.count({ where: { email: 'mallory@evil.example' } })).toBe(0);
  expect((await t.ctx.prisma.siteModerator.findMany({ where: { siteId: site }, orderBy: { role: 'asc' } })).map((m) => m.role).sort()).toEqual(['admin', 'moderator']);
  expect((await t.ctx.prisma.job.findUniqueOrThrow({ where: { id: BigInt(deadJobId) } })).status).toBe('dead');
});

test("the site's admin may use the same endpoints from the console", async () => {
  await send(adminSession, 'GET', `/api/v1/moderation/sites/${site}`).expect(200);
  await send(adminSession, 'PATCH', `/api/v1/moderation/sites/${site}`, { name: 'Renamed by admin' }).expect(200);
  await send(adminSession, 'POST', `/api/v1/moderation/jobs/${deadJobId}/retry`).expect(200);
  // ...but not without the CSRF token.
  const res = await request(t.app).patch(`/api/v1/moderation/sites/${site}`).set('Cookie', adminSession.cookie).send({ name: 'No token' });
  expect(res.status).toBe(403);
});

test('a promotion or removal applies to a running session at once', async () => {
  await send(adminSession, 'PATCH', `/api/v1/moderation/sites/${site}/moderators/${mod.id}`, { role: 'admin' }).expect(200);
  await send(modSession, 'GET', `/api/v1/moderation/sites/${site}`).expect(200);
  await send(adminSession, 'DELETE', `/api/v1/moderation/sites/${site}/moderators/${mod.id}`).expect(204);
  expect((await send(modSession, 'GET', '/api/v1/moderation/comments').query({ site })).status).toBe(403);
  const me = await send(modSession, 'GET', '/api/v1/moderation/me').expect(200);
  expect(me.body.sites).toEqual([]);
});
