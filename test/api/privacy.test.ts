import crypto from 'node:crypto';
import request from 'supertest';
import { commentInput, createModerator, createSite, createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/testApp';

/**
 * No email address, nor any hash of one, may appear in any public response body or header.
 * Every public endpoint is driven with comments from known addresses; each response is searched for the
 * addresses and their md5, sha1 and sha256 hex digests (as typed, and trimmed + lowercased).
 */
let t: TestApp;
let site: string;
const EMAILS = ['Priya.Secret@Example.org', 'reply.author@example.net', 'form.poster@example.com'];

function needles(): string[] {
  const out = new Set<string>();
  for (const email of EMAILS) {
    for (const variant of [email, email.trim().toLowerCase()]) {
      out.add(variant.toLowerCase());
      for (const algo of ['md5', 'sha1', 'sha256']) out.add(crypto.createHash(algo).update(variant).digest('hex'));
    }
  }
  return [...out];
}

function assertNoEmail(label: string, res: request.Response) {
  const haystack = `${JSON.stringify(res.headers)}\n${res.text ?? ''}\n${res.body ? JSON.stringify(res.body) : ''}`.toLowerCase();
  for (const needle of needles()) {
    if (haystack.includes(needle)) throw new Error(`${label} leaks ${needle.includes('@') ? 'an email' : 'an email hash'}`);
  }
}

let ownerToken: string;
beforeAll(async () => {
  t = await createTestApp();
  site = await createSite(t.ctx, { settings: { mode: 'pre' } });
  const mod = await createModerator(t.ctx, { siteIds: [site] });
  const first = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page: '/private', email: EMAILS[0], website: 'https://priya.example' })).expect(201);
  assertNoEmail('submission response', first);
  ownerToken = first.body.ownerToken;
  await request(t.app).post(`/api/v1/moderation/comments/${first.body.comment.id}/approve`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
  const reply = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page: '/private', email: EMAILS[1], parentId: first.body.comment.id, notifyReplies: true })).expect(201);
  assertNoEmail('reply submission response', reply);
  await request(t.app).post(`/api/v1/moderation/comments/${reply.body.comment.id}/approve`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
  const form = await request(t.app).post(`/api/v1/sites/${site}/comments`).type('form').send(commentInput({ page: '/private', email: EMAILS[2], pageUrl: `${TEST_ORIGIN}/private` })).expect(303);
  assertNoEmail('form submission redirect', form);
});
afterAll(() => t.close());

const publicRequests: Array<[string, () => request.Test]> = [
  ['thread', () => request(t.app).get(`/api/v1/sites/${site}/comments?page=/private`)],
  ['thread with owner token', () => request(t.app).get(`/api/v1/sites/${site}/comments?page=/private`).set('X-Parley-Owner', ownerToken)],
  ['thread from an allowed origin', () => request(t.app).get(`/api/v1/sites/${site}/comments?page=/private`).set('Origin', TEST_ORIGIN)],
  ['counts', () => request(t.app).get(`/api/v1/sites/${site}/counts?page=/private`)],
  ['site feed', () => request(t.app).get(`/feeds/${site}.atom`)],
  ['page feed', () => request(t.app).get(`/feeds/${site}.atom?page=/private`)],
  ['your-data page', () => request(t.app).get(`/privacy/${site}`)],
  ['data request', () => request(t.app).post(`/api/v1/sites/${site}/privacy/requests`).send({ email: EMAILS[0], kind: 'export' })],
  ['data request form', () => request(t.app).post(`/privacy/${site}`).type('form').send({ email: EMAILS[1], kind: 'erase' })],
  ['embed page', () => request(t.app).get(`/embed/${site}?page=/private`)],
  ['demo page', () => request(t.app).get('/demo')],
  ['home page', () => request(t.app).get('/')],
  ['widget script', () => request(t.app).get('/widget.js')],
  ['openapi', () => request(t.app).get('/api/v1/openapi.json')],
  ['healthz', () => request(t.app).get('/healthz')],
  ['readyz', () => request(t.app).get('/readyz')],
  ['duplicate error', () => request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page: '/private', email: EMAILS[0], body: 'dup body' }))],
  ['validation error', () => request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page: '/private', email: EMAILS[0], website: 'javascript:x' }))],
  ['origin refused', () => request(t.app).get(`/api/v1/sites/${site}/comments?page=/private`).set('Origin', 'https://evil.example')],
  ['not found', () => request(t.app).get(`/api/v1/sites/${site}/nothing?email=${encodeURIComponent(EMAILS[0])}`)],
];

test.each(publicRequests)('%s shows no email or email hash', async (label, send) => {
  const res = await send();
  expect(res.status).toBeLessThan(500);
  assertNoEmail(label, res);
});

test('the thread does show the comments, so the search above looked at real content', async () => {
  const res = await request(t.app).get(`/api/v1/sites/${site}/comments?page=/private`).expect(200);
  expect(res.body.total).toBe(2);
  expect(res.body.comments[0].replies).toHaveLength(1);
  expect(res.body.comments[0].website).toBe('https://priya.example/');
});
