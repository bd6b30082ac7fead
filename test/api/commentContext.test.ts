import request from 'supertest';
import { commentInput, createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/**
 * What the console shows around a comment: ModComment's parent, page URL and title in the queue, and
 * GET /api/v1/moderation/comments/{id}/context (thread tree, audit history, the author's other comments).
 */
let t: TestApp;
let site: string;
let otherSite: string;
let mod: { apiKey: string; id: string; name: string };
let otherMod: { apiKey: string };
const auth = () => ({ Authorization: `Bearer ${mod.apiKey}` });

const post = (siteId: string, overrides: Record<string, unknown>) =>
  request(t.app).post(`/api/v1/sites/${siteId}/comments`).send(commentInput(overrides)).expect(201).then((r) => r.body.comment.id as string);
const act = (id: string, action: string) => request(t.app).post(`/api/v1/moderation/comments/${id}/${action}`).set(auth()).expect(200);

let root: string;
let reply: string;
let nested: string;
let sibling: string;
let elsewhere: string;
const author = 'returning.author@example.org';

beforeAll(async () => {
  t = await createTestApp();
  site = await createSite(t.ctx, { settings: { mode: 'pre' } });
  otherSite = await createSite(t.ctx, { settings: { mode: 'pre' } });
  mod = await createModerator(t.ctx, { siteIds: [site], name: 'Cleo Checker' });
  otherMod = await createModerator(t.ctx, { siteIds: [otherSite] });
  const page = { page: '/ctx', pageUrl: 'https://news.example/ctx', pageTitle: 'Context & <Title>' };
  root = await post(site, { ...page, name: 'Root Writer', body: 'The root comment of the thread.' });
  await act(root, 'approve');
  t.clock.advance(1000);
  reply = await post(site, { ...page, parentId: root, name: 'Reply Writer', email: author, body: 'A reply with <b>markup</b>.' });
  await act(reply, 'approve');
  t.clock.advance(1000);
  nested = await post(site, { ...page, parentId: reply, body: 'A reply to the reply.' });
  t.clock.advance(1000);
  sibling = await post(site, { ...page, parentId: root, name: 'Sibling', email: 'SIBLING@example.org', body: 'Another answer to the root.' });
  t.clock.advance(1000);
  // Same author, another page of the site, then another site (which must not show).
  await post(site, { page: '/other-page', email: author, body: 'Earlier words elsewhere on the site.' });
  t.clock.advance(1000);
  await post(site, { page: '/third-page', email: author.toUpperCase(), body: 'Latest words, typed in capitals.' });
  elsewhere = await post(otherSite, { page: '/x', email: author, body: 'On another site.' });
  await request(t.app).patch(`/api/v1/moderation/comments/${reply}`).set(auth()).send({ body: 'A reply, edited.' }).expect(200);
});
afterAll(() => t.close());

test('queue items carry the parent (name and html) for replies, and the page URL and title', async () => {
  const res = await request(t.app).get('/api/v1/moderation/comments').query({ status: 'all', site }).set(auth()).expect(200);
  const byId = new Map(res.body.comments.map((c: { id: string }) => [c.id, c]));
  expect(byId.get(root)).toMatchObject({ parent: null, pageUrl: 'https://news.example/ctx', pageTitle: 'Context & <Title>' });
  expect(byId.get(nested)).toMatchObject({ parent: { id: reply, name: 'Reply Writer', html: expect.stringContaining('A reply, edited.') } });
  expect(byId.get(sibling)).toMatchObject({ parent: { id: root, name: 'Root Writer', html: expect.stringContaining('The root comment') } });
  // Actions answer with the same shape.
  const acted = await act(nested, 'approve');
  expect(acted.body.comment.parent).toMatchObject({ id: reply, name: 'Reply Writer' });
  await act(nested, 'restore');
});

test("the context: the comment, its whole thread as a tree, its history and the author's other comments", async () => {
  const res = await request(t.app).get(`/api/v1/moderation/comments/${reply}/context`).set(auth()).expect(200);
  const { comment, thread, audit, authorComments } = res.body;
  expect(comment).toMatchObject({ id: reply, email: author, parent: { id: root }, body: 'A reply, edited.' });
  expect(res.headers['cache-control']).toBe('no-store');

  const shape = (n: { id: string; replies: unknown[] }): unknown => ({ id: n.id, replies: (n.replies as Array<{ id: string; replies: unknown[] }>).map(shape) });
  expect(thread.map(shape)).toEqual([{ id: root, replies: [{ id: reply, replies: [{ id: nested, replies: [] }] }, { id: sibling, replies: [] }] }]);
  expect(thread[0]).toMatchObject({ status: 'approved', email: expect.any(String), pageTitle: 'Context & <Title>' });
  expect(thread[0].replies[1]).toMatchObject({ status: 'pending' });

  expect(audit.map((e: { action: string }) => e.action)).toEqual(['approve', 'edit']);
  expect(audit[0]).toEqual({
    id: expect.any(String), action: 'approve', fromStatus: 'pending', toStatus: 'approved', oldBody: null, newBody: null, via: 'api',
    createdAt: expect.any(String), moderator: { id: mod.id, name: 'Cleo Checker' },
  });
  expect(audit[1]).toMatchObject({ oldBody: 'A reply with <b>markup</b>.', newBody: 'A reply, edited.', moderator: { id: mod.id } });

  expect(authorComments.map((c: { body: string }) => c.body)).toEqual(['Latest words, typed in capitals.', 'Earlier words elsewhere on the site.']);
  expect(authorComments.map((c: { id: string }) => c.id)).not.toContain(elsewhere);
});

test("a comment of a site the moderator does not moderate is 404; a malformed id is 400", async () => {
  const res = await request(t.app).get(`/api/v1/moderation/comments/${reply}/context`).set('Authorization', `Bearer ${otherMod.apiKey}`);
  expect(res.status).toBe(404);
  expect(res.body.error.code).toBe('not_found');
  expect(JSON.stringify(res.body)).not.toContain(author);
  await request(t.app).get(`/api/v1/moderation/comments/${elsewhere}/context`).set(auth()).expect(404);
  await request(t.app).get('/api/v1/moderation/comments/00000000-0000-4000-8000-000000000000/context').set(auth()).expect(404);
  await request(t.app).get('/api/v1/moderation/comments/nope/context').set(auth()).expect(400);
  await request(t.app).get(`/api/v1/moderation/comments/${reply}/context`).expect(401);
});
