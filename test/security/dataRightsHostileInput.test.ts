import request from 'supertest';
import { createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';
import { encodeHostile, ONE_MB, sample } from './hostileStrings';

/**
 * Hostile strings in every field of the data-rights, feed and webhook endpoints: never a 5xx, always the
 * contract's error shape (or a page, for the reader's pages), and nothing stored by a refusal.
 */
let t: TestApp;
let site: string;
let admin: { apiKey: string };
beforeAll(async () => {
  t = await createTestApp();
  site = await createSite(t.ctx);
  admin = await createModerator(t.ctx, { siteIds: [site], role: 'admin' });
});
afterAll(() => t.close());

const STRINGS = sample(6);
const auth = () => ({ Authorization: `Bearer ${admin.apiKey}` });

function expectHandled(label: string, res: request.Response) {
  if (res.status >= 500) throw new Error(`${label}: ${res.status} ${res.text.slice(0, 200)}`);
  if (res.status >= 400 && res.type === 'application/json') expect(res.body.error?.code).toEqual(expect.any(String));
}

test('email fields, kinds and modes', async () => {
  for (const s of STRINGS) {
    expectHandled('export', await request(t.app).get(`/api/v1/moderation/privacy/export?email=${encodeHostile(s)}`).set(auth()));
    expectHandled('erase', await request(t.app).post('/api/v1/moderation/privacy/erase').set(auth()).send({ email: s, comments: s }));
    expectHandled('erase email', await request(t.app).post('/api/v1/moderation/privacy/erase').set(auth()).send({ email: `${s}@example.org` }));
    expectHandled('request', await request(t.app).post(`/api/v1/sites/${site}/privacy/requests`).send({ email: s, kind: s }));
    expectHandled('page form', await request(t.app).post(`/privacy/${site}`).type('form').send({ email: s, kind: 'export' }));
  }
  expectHandled('1 MB email', await request(t.app).post('/api/v1/moderation/privacy/erase').set(auth()).send({ email: ONE_MB }));
  expectHandled('array email', await request(t.app).post(`/api/v1/sites/${site}/privacy/requests`).send({ email: ['a@b.org'], kind: 'erase' }));
  expect(await t.ctx.prisma.auditEvent.count()).toBe(0);
});

test('tokens, feed pages, webhook URLs and ids', async () => {
  for (const s of STRINGS) {
    const tok = encodeHostile(s);
    expectHandled('confirm GET', await request(t.app).get(`/privacy/confirm/${tok}`));
    expectHandled('confirm POST', await request(t.app).post(`/privacy/confirm/${tok}`).type('form').send({ deleteText: s, lang: s }));
    expectHandled('privacy page', await request(t.app).get(`/privacy/${tok}?lang=${tok}`));
    expectHandled('feed', await request(t.app).get(`/feeds/${site}.atom?page=${tok}`));
    expectHandled('feed site', await request(t.app).get(`/feeds/${tok}.atom`));
    expectHandled('webhook', await request(t.app).post(`/api/v1/moderation/sites/${site}/webhooks`).set(auth()).send({ url: s, events: [s] }));
    expectHandled('webhook url', await request(t.app).post(`/api/v1/moderation/sites/${site}/webhooks`).set(auth()).send({ url: `https://hooks.example.com/${s}`, events: ['comment.spam'] }));
    expectHandled('webhook id', await request(t.app).delete(`/api/v1/moderation/sites/${site}/webhooks/${tok}`).set(auth()));
    expectHandled('deliveries', await request(t.app).get(`/api/v1/moderation/sites/${site}/webhooks/${tok}/deliveries?limit=${tok}`).set(auth()));
  }
});
