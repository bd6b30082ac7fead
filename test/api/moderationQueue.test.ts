import request from 'supertest';
import { commentInput, createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/** The moderation queue's filters and paging (GET /api/v1/moderation/comments). */
let t: TestApp;
let site: string;
let mod: { id: string; apiKey: string; name: string };
const ids: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  site = await createSite(t.ctx, { settings: { mode: 'pre' } });
  mod = await createModerator(t.ctx, { siteIds: [site], name: 'Quinn Queue' });
  const bodies = ['Tea is best at 5_pm', 'Coffee, 100% arabica', 'A long reply about TEA', 'Plain words', 'Nothing else'];
  for (const [i, body] of bodies.entries()) {
    const page = i < 3 ? '/queue-a' : '/queue-b';
    const parentId = i === 2 ? ids[0] : undefined;
    const res = await request(t.app).post(`/api/v1/sites/${site}/comments`)
      .set('X-Forwarded-For', `203.0.113.${10 + i}`)
      .send(commentInput({ page, body, name: `Writer ${i}`, email: `writer${i}@example.org`, ...(parentId ? { parentId } : {}) }));
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    ids.push(res.body.comment.id);
    // Replies go to approved comments only.
    if (i === 0) await request(t.app).post(`/api/v1/moderation/comments/${ids[0]}/approve`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
  }
});
afterAll(() => t.close());

const queue = (query: Record<string, string>) =>
  request(t.app).get('/api/v1/moderation/comments').query({ site, ...query }).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);

test('pending comments come oldest first, page by page, each once', async () => {
  const seen = await allPages('pending');
  expect(seen.map((c) => c.id).sort()).toEqual(ids.slice(1).sort());
  expect(seen).toEqual([...seen].sort(byTimeThenId));
});

interface Listed { id: string; createdAt: string }
// Comments posted within one millisecond tie on createdAt; the id breaks the tie.
const byTimeThenId = (a: Listed, b: Listed) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1);

async function allPages(status: string): Promise<Listed[]> {
  const seen: Listed[] = [];
  let cursor: string | undefined;
  do {
    const res = await queue({ status, limit: '2', ...(cursor ? { cursor } : {}) });
    expect(res.body.comments.length).toBeLessThanOrEqual(2);
    seen.push(...res.body.comments.map((c: Listed) => ({ id: c.id, createdAt: c.createdAt })));
    cursor = res.body.nextCursor ?? undefined;
  } while (cursor);
  return seen;
}

test('a reply carries its parent, the page its url and title; approved comments come newest first with their moderator', async () => {
  const first = await queue({ status: 'pending', page: '/queue-a' });
  expect(first.body.comments.map((c: { id: string }) => c.id).sort()).toEqual(ids.slice(1, 3).sort());
  expect(first.body.comments.find((c: { id: string }) => c.id === ids[2])).toMatchObject({
    id: ids[2], parentId: ids[0], page: '/queue-a', email: 'writer2@example.org', status: 'pending', site,
    parent: { id: ids[0], name: 'Writer 0', html: '<p>Tea is best at 5_pm</p>' }, moderatedBy: null, moderatedAt: null,
  });
  expect(first.body.comments.find((c: { id: string }) => c.id === ids[1]).parent).toBeNull();
  expect(first.body.comments[0]).toHaveProperty('pageUrl');
  expect(first.body.comments[0]).toHaveProperty('pageTitle');
  expect(Array.isArray(first.body.comments[0].reasons)).toBe(true);

  for (const id of [ids[3], ids[4]]) {
    await request(t.app).post(`/api/v1/moderation/comments/${id}/approve`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
  }
  const approved = await allPages('approved');
  expect(approved.map((c) => c.id).sort()).toEqual([ids[0], ids[3], ids[4]].sort());
  expect(approved).toEqual([...approved].sort(byTimeThenId).reverse());
  const newest = await queue({ status: 'approved', limit: '1' });
  expect(newest.body.comments[0]).toMatchObject({ id: approved[0]!.id, status: 'approved', moderatedBy: { id: mod.id, name: 'Quinn Queue' } });
  expect(typeof newest.body.comments[0].moderatedAt).toBe('string');
  const all = await queue({ status: 'all' });
  expect(all.body.comments).toHaveLength(5);
});

test('search matches body, name and email whatever the case, and takes % and _ literally', async () => {
  const ids_ = async (q: string) => (await queue({ status: 'all', q })).body.comments.map((c: { id: string }) => c.id).sort();
  expect(await ids_('tea')).toEqual([ids[0], ids[2]].sort());
  expect(await ids_('WRITER3')).toEqual([ids[3]]);
  expect(await ids_('writer4@example')).toEqual([ids[4]]);
  expect(await ids_('100%')).toEqual([ids[1]]);
  expect(await ids_('5_pm')).toEqual([ids[0]]);
  expect(await ids_('%')).toEqual([ids[1]]);
  expect(await ids_('_')).toEqual([ids[0]]);
});

test('a moderator of two sites sees both queues together, page by page, or one site when asked', async () => {
  const other = await createSite(t.ctx, { settings: { mode: 'pre' } });
  const both = await createModerator(t.ctx, { siteIds: [site, other], name: 'Bea Both' });
  const res = await request(t.app).post(`/api/v1/sites/${other}/comments`)
    .set('X-Forwarded-For', '203.0.113.40').send(commentInput({ page: '/other', body: 'Over on the other site' }));
  expect(res.status).toBe(201);
  const otherId = res.body.comment.id as string;
  const list = async (query: Record<string, string>) => {
    const seen: Listed[] = [];
    let cursor: string | undefined;
    do {
      const page = await request(t.app).get('/api/v1/moderation/comments')
        .query({ status: 'pending', limit: '2', ...query, ...(cursor ? { cursor } : {}) })
        .set('Authorization', `Bearer ${both.apiKey}`).expect(200);
      seen.push(...page.body.comments.map((c: Listed) => ({ id: c.id, createdAt: c.createdAt })));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    return seen;
  };
  const first = (await allPages('pending')).map((c) => c.id);
  expect(first.length).toBeGreaterThanOrEqual(2);
  const all = await list({});
  expect(all.map((c) => c.id).sort()).toEqual([...first, otherId].sort());
  expect(all).toEqual([...all].sort(byTimeThenId));
  expect((await list({ site: other })).map((c) => c.id)).toEqual([otherId]);
  expect((await list({ site })).map((c) => c.id)).toEqual(first);
});
