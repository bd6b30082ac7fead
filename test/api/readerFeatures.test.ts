import request from 'supertest';
import { commentInput, createModerator, createSite, createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/testApp';

/**
 * The reader's side: editing and deleting one's own comment within the window (owner token as proof,
 * rules again on edit, audit trail), thread order (`sort`) and permalinks (`around`) on long threads.
 */
let t: TestApp;
let site: string;
let mod: { apiKey: string };

beforeAll(async () => {
  t = await createTestApp();
  site = await createSite(t.ctx, { settings: { mode: 'post', maxLinks: 2, holdWords: ['casino'], blockWords: ['viagra'] } });
  mod = await createModerator(t.ctx, { siteIds: [site] });
});
afterAll(() => t.close());

const api = `/api/v1/sites`;
const post = async (overrides: Record<string, unknown> = {}, s = site) => {
  const res = await request(t.app).post(`${api}/${s}/comments`).send(commentInput(overrides)).expect(201);
  return res.body as { comment: { id: string; status: string; html: string; editableUntil: string; createdAt: string }; ownerToken: string };
};
const edit = (id: string, body: string, owner?: string, s = site) => {
  const req = request(t.app).patch(`${api}/${s}/comments/${id}`).send({ body });
  return owner ? req.set('X-Parley-Owner', owner) : req;
};
const remove = (id: string, owner?: string, s = site) => {
  const req = request(t.app).delete(`${api}/${s}/comments/${id}`);
  return owner ? req.set('X-Parley-Owner', owner) : req;
};
const thread = (page: string, query: Record<string, string> = {}, s = site) =>
  request(t.app).get(`${api}/${s}/comments`).query({ page, ...query }).expect(200);
const audit = async (commentId: string) =>
  (await request(t.app).get('/api/v1/moderation/audit').query({ site }).set('Authorization', `Bearer ${mod.apiKey}`).expect(200)).body.events.filter(
    (e: { commentId: string }) => e.commentId === commentId,
  );

describe('editing one’s own comment', () => {
  test('the POST answer says until when the author may edit (15 minutes by default)', async () => {
    const { comment } = await post({ page: '/edit-window' });
    expect(new Date(comment.editableUntil).getTime() - new Date(comment.createdAt).getTime()).toBe(15 * 60_000);
  });

  test('a clean edit of a published comment stays published, shows the new text, moves the ETag, and keeps the old text in the audit log', async () => {
    const { comment, ownerToken } = await post({ page: '/edit-clean', body: 'I ment to say hello.' });
    expect(comment.status).toBe('approved');
    const before = await thread('/edit-clean');
    t.clock.advance(60_000);

    const res = await edit(comment.id, 'I **meant** to say hello.', ownerToken).expect(200);
    expect(res.body.comment).toMatchObject({ id: comment.id, status: 'approved', html: '<p>I <strong>meant</strong> to say hello.</p>' });
    expect(res.body.message).toBe('Your comment has been updated.');

    const after = await thread('/edit-clean');
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.body.total).toBe(1);
    expect(after.body.comments[0].html).toBe('<p>I <strong>meant</strong> to say hello.</p>');

    const events = await audit(comment.id);
    expect(events[0]).toMatchObject({
      action: 'edit', via: 'author', moderator: null, fromStatus: 'approved', toStatus: 'approved',
      oldBody: 'I ment to say hello.', newBody: 'I **meant** to say hello.',
    });
  });

  test('an edit that adds links (Markdown links count) goes back to pending with its reason; the public no longer sees it, its author does', async () => {
    const { comment, ownerToken } = await post({ page: '/edit-links', body: 'Nice article.' });
    const res = await edit(comment.id, 'Nice article. [one](https://a.example) [two](https://b.example) [three](https://c.example)', ownerToken).expect(200);
    expect(res.body.comment.status).toBe('pending');
    expect(res.body.message).toBe('Your comment is awaiting moderation.');
    const row = await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: comment.id } });
    expect(row.status).toBe('pending');
    expect(row.reasons).toEqual(['links:3>2']);

    expect((await thread('/edit-links')).body).toMatchObject({ total: 0, comments: [] });
    const own = await request(t.app).get(`${api}/${site}/comments`).query({ page: '/edit-links' }).set('X-Parley-Owner', ownerToken).expect(200);
    expect(own.body.comments[0]).toMatchObject({ id: comment.id, status: 'pending' });
    expect((await audit(comment.id))[0]).toMatchObject({ action: 'edit', fromStatus: 'approved', toStatus: 'pending', via: 'author' });
    // The moderators hear about it, as about a new held comment.
    const jobs = await t.ctx.prisma.job.findMany({ where: { kind: 'notify_new_comment' } });
    expect(jobs.some((j) => (j.payload as { commentId: string }).commentId === comment.id)).toBe(true);
  });

  test('hold words send it to pending; block words follow the rules (spam)', async () => {
    const held = await post({ page: '/edit-words', body: 'Fine words.' });
    await edit(held.comment.id, 'Fine words. Visit my casino.', held.ownerToken).expect(200);
    const heldRow = await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: held.comment.id } });
    expect(heldRow).toMatchObject({ status: 'pending', reasons: ['hold_word:casino'] });

    const blocked = await post({ page: '/edit-words', body: 'Other fine words.' });
    const res = await edit(blocked.comment.id, 'Buy viagra now.', blocked.ownerToken).expect(200);
    // The author is told "pending", as for a new comment the rules refused.
    expect(res.body.comment.status).toBe('pending');
    const blockedRow = await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: blocked.comment.id } });
    expect(blockedRow.status).toBe('spam');
    expect(blockedRow.reasons).toContain('block_word:viagra');
    expect((await thread('/edit-words')).body.total).toBe(0);
  });

  test('a comment still waiting (pre-moderation) stays waiting after a clean edit, for its old reasons; its author sees the new text', async () => {
    const pre = await createSite(t.ctx, { settings: { mode: 'pre' } });
    const { comment, ownerToken } = await post({ page: '/edit-pending', body: 'Waiting, with a tpyo.' }, pre);
    expect(comment.status).toBe('pending');
    const res = await edit(comment.id, 'Waiting, with the typo fixed.', ownerToken, pre).expect(200);
    expect(res.body.comment).toMatchObject({ status: 'pending', html: '<p>Waiting, with the typo fixed.</p>' });
    expect(await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: comment.id } })).toMatchObject({ status: 'pending', reasons: ['pre_moderation'] });
    const own = await request(t.app).get(`${api}/${pre}/comments`).query({ page: '/edit-pending' }).set('X-Parley-Owner', ownerToken).expect(200);
    expect(own.body.comments[0].html).toBe('<p>Waiting, with the typo fixed.</p>');
    expect((await thread('/edit-pending', {}, pre)).body.comments).toEqual([]);
  });

  test('without the token, with a wrong one, or with another comment’s token: 403 forbidden, nothing changes', async () => {
    const mine = await post({ page: '/edit-proof', body: 'Original text.' });
    const other = await post({ page: '/edit-proof', body: 'Someone else.' });
    for (const token of [undefined, 'x'.repeat(32), other.ownerToken]) {
      const res = await edit(mine.comment.id, 'Hijacked.', token).expect(403);
      expect(res.body.error.code).toBe('forbidden');
      await remove(mine.comment.id, token).expect(403);
    }
    const row = await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: mine.comment.id } });
    expect(row).toMatchObject({ body: 'Original text.', status: 'approved' });
    // Several tokens in the header (the widget's whole list) are fine when one of them is the comment's.
    await edit(mine.comment.id, 'Original text, fixed.', `${other.ownerToken},${mine.ownerToken}`).expect(200);
  });

  test('after the window: 403 with a message; the site setting changes the window', async () => {
    const { comment, ownerToken } = await post({ page: '/edit-late', body: 'Posted a while ago.' });
    t.clock.advance(15 * 60_000 + 1_000);
    const res = await edit(comment.id, 'Too late.', ownerToken).expect(403);
    expect(res.body.error).toMatchObject({ code: 'forbidden', message: 'The time to edit or delete this comment has passed.' });
    await remove(comment.id, ownerToken).expect(403);

    const longer = await createSite(t.ctx, { settings: { mode: 'post', editWindowMinutes: 60 } });
    const p = await post({ page: '/edit-late' }, longer);
    t.clock.advance(30 * 60_000);
    await edit(p.comment.id, 'Still fine after half an hour.', p.ownerToken, longer).expect(200);

    const off = await createSite(t.ctx, { settings: { mode: 'post', editWindowMinutes: 0 } });
    const q = await post({ page: '/edit-late' }, off);
    expect((await edit(q.comment.id, 'No editing here.', q.ownerToken, off).expect(403)).body.error.code).toBe('forbidden');
  });

  test('bad input: an empty body is a field error, a bad id 400, an unknown id 404, another site’s comment 404', async () => {
    const { comment, ownerToken } = await post({ page: '/edit-bad' });
    expect((await edit(comment.id, '   ', ownerToken).expect(400)).body.error.fields.body).toBeTruthy();
    await edit('not-a-uuid', 'x', ownerToken).expect(400);
    await edit('00000000-0000-4000-8000-000000000000', 'x', ownerToken).expect(404);
    const otherSite = await createSite(t.ctx, { settings: { mode: 'post' } });
    await edit(comment.id, 'x', ownerToken, otherSite).expect(404);
  });

  test('CORS lets the site’s pages send PATCH and DELETE with X-Parley-Owner; other origins get 403', async () => {
    const pre = await request(t.app)
      .options(`${api}/${site}/comments/00000000-0000-4000-8000-000000000000`)
      .set('Origin', TEST_ORIGIN)
      .set('Access-Control-Request-Method', 'PATCH')
      .set('Access-Control-Request-Headers', 'content-type,x-parley-owner')
      .expect(204);
    expect(pre.headers['access-control-allow-methods']).toContain('PATCH');
    expect(pre.headers['access-control-allow-methods']).toContain('DELETE');
    expect(pre.headers['access-control-allow-headers']).toMatch(/X-Parley-Owner/i);
    const { comment, ownerToken } = await post({ page: '/edit-cors' });
    await edit(comment.id, 'From elsewhere.', ownerToken).set('Origin', 'https://evil.example').expect(403);
  });
});

describe('deleting one’s own comment', () => {
  test('sets it to deleted, takes it out of the thread and the count, and logs it', async () => {
    const { comment, ownerToken } = await post({ page: '/delete-me' });
    await post({ page: '/delete-me' });
    expect((await thread('/delete-me')).body.total).toBe(2);
    await remove(comment.id, ownerToken).expect(204);
    const after = (await thread('/delete-me')).body;
    expect(after.total).toBe(1);
    expect(after.comments.map((c: { id: string }) => c.id)).not.toContain(comment.id);
    const row = await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: comment.id } });
    expect(row.status).toBe('deleted');
    expect((await audit(comment.id))[0]).toMatchObject({ action: 'delete', fromStatus: 'approved', toStatus: 'deleted', via: 'author' });
    // Gone for its author too: a second delete or an edit finds nothing.
    await remove(comment.id, ownerToken).expect(404);
  });
});

describe('thread order and permalinks', () => {
  let order: string[];
  const PAGE = '/long-thread';

  beforeAll(async () => {
    order = [];
    for (let i = 0; i < 7; i++) {
      t.clock.advance(1_000);
      order.push((await post({ page: PAGE, body: `Top-level comment ${i}.` })).comment.id);
    }
  });

  const ids = (body: { comments: { id: string }[] }) => body.comments.map((c) => c.id);

  test('oldest first by default, newest first on request; replies stay in conversation order', async () => {
    expect(ids((await thread(PAGE)).body)).toEqual(order);
    expect(ids((await thread(PAGE, { sort: 'oldest' })).body)).toEqual(order);
    expect(ids((await thread(PAGE, { sort: 'newest' })).body)).toEqual([...order].reverse());
    const page2 = await thread(PAGE, { sort: 'newest', limit: '3' });
    expect(ids(page2.body)).toEqual([order[6], order[5], order[4]]);
    const next = await thread(PAGE, { sort: 'newest', limit: '3', cursor: page2.body.nextCursor });
    expect(ids(next.body)).toEqual([order[3], order[2], order[1]]);
  });

  test('activity: the thread with the latest reply comes first', async () => {
    t.clock.advance(1_000);
    const r1 = await post({ page: PAGE, parentId: order[2], body: 'A reply to comment 2.' });
    t.clock.advance(1_000);
    await post({ page: PAGE, parentId: order[0], body: 'A reply to comment 0.' });
    const res = await thread(PAGE, { sort: 'activity' });
    expect(ids(res.body)).toEqual([order[0], order[2], order[6], order[5], order[4], order[3], order[1]]);
    expect(res.body.comments[1].replies.map((r: { id: string }) => r.id)).toEqual([r1.comment.id]);
    const paged = await thread(PAGE, { sort: 'activity', limit: '2' });
    expect(ids(paged.body)).toEqual([order[0], order[2]]);
    const rest = await thread(PAGE, { sort: 'activity', limit: '2', cursor: paged.body.nextCursor });
    expect(ids(rest.body)).toEqual([order[6], order[5]]);
  });

  test('each order is cached on its own (no order leaks into another)', async () => {
    const a = await thread(PAGE, { sort: 'newest' });
    const b = await thread(PAGE, { sort: 'oldest' });
    const c = await thread(PAGE, { sort: 'newest' });
    expect(ids(a.body)).toEqual(ids(c.body));
    expect(ids(b.body)).not.toEqual(ids(a.body));
    expect(a.headers.etag).toBe(c.headers.etag);
  });

  test('around=<id> opens the page of the thread holding that comment (a reply finds its thread), in any order', async () => {
    // limit 2: pages [0,1] [2,3] [4,5] [6]; comment 4 is on the third page.
    const third = await thread(PAGE, { limit: '2', around: order[4] });
    expect(ids(third.body)).toEqual([order[4], order[5]]);
    expect(third.body.earlier).toBe(true);
    const fourth = await thread(PAGE, { limit: '2', cursor: third.body.nextCursor });
    expect(ids(fourth.body)).toEqual([order[6]]);

    const reply = (await thread(PAGE)).body.comments[2].replies[0].id;
    expect(ids((await thread(PAGE, { limit: '2', around: reply })).body)).toEqual([order[2], order[3]]);

    const first = await thread(PAGE, { limit: '2', around: order[1] });
    expect(ids(first.body)).toEqual([order[0], order[1]]);
    expect(first.body.earlier).toBeUndefined();

    // newest first: [6,5] [4,3] [2,1] [0]
    expect(ids((await thread(PAGE, { limit: '2', sort: 'newest', around: order[1] })).body)).toEqual([order[2], order[1]]);
  });

  test('around a comment that is gone or elsewhere opens the thread at the start; bad values are 400', async () => {
    expect(ids((await thread(PAGE, { limit: '2', around: '00000000-0000-4000-8000-000000000000' })).body)).toEqual([order[0], order[1]]);
    await request(t.app).get(`${api}/${site}/comments`).query({ page: PAGE, sort: 'best' }).expect(400);
    await request(t.app).get(`${api}/${site}/comments`).query({ page: PAGE, around: 'nope' }).expect(400);
  });
});

describe('the no-JS embed: edit and delete with the owner cookie', () => {
  const page = '/embed-own';
  const embed = (q = '') => `/embed/${site}?page=${encodeURIComponent(page)}&lang=en${q}`;

  test('Edit and Delete show only to the cookie’s owner, and only within the window; forms without the cookie get 403', async () => {
    const posted = await request(t.app).post(embed()).type('form').send({ name: 'Nora', email: 'nora.embed@example.org', body: 'From the *embed*.' }).expect(303);
    const cookie = posted.headers['set-cookie'][0].split(';')[0];
    const id = /#parley-(.+)$/.exec(posted.headers.location)![1];

    const mine = await request(t.app).get(embed()).set('Cookie', cookie).expect(200);
    expect(mine.text).toContain(`edit=${id}`);
    expect(mine.text).toContain(`delete=${id}`);
    const stranger = await request(t.app).get(embed()).expect(200);
    expect(stranger.text).toContain('From the <em>embed</em>.');
    expect(stranger.text).not.toContain(`edit=${id}`);

    const form = await request(t.app).get(embed(`&edit=${id}`)).set('Cookie', cookie).expect(200);
    expect(form.text).toContain('From the *embed*.</textarea>');
    expect(form.text).toContain('Formatting help');

    const refused = await request(t.app).post(`/embed/${site}/comments/${id}/edit?page=${encodeURIComponent(page)}&lang=en`).type('form').send({ body: 'Hijack.' }).expect(403);
    expect(refused.text).toContain('The time to edit or delete this comment has passed.');
    const done = await request(t.app).post(`/embed/${site}/comments/${id}/edit?page=${encodeURIComponent(page)}&lang=en`).set('Cookie', cookie).type('form').send({ body: 'From the **embed**, edited.' }).expect(303);
    expect(done.headers.location).toContain('done=edited');
    expect((await request(t.app).get(embed()).expect(200)).text).toContain('From the <strong>embed</strong>, edited.');

    t.clock.advance(16 * 60_000);
    expect((await request(t.app).get(embed()).set('Cookie', cookie).expect(200)).text).not.toContain(`delete=${id}`);
    await request(t.app).post(`/embed/${site}/comments/${id}/delete?page=${encodeURIComponent(page)}&lang=en`).set('Cookie', cookie).type('form').send({}).expect(403);
  });
});
