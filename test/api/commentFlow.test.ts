import request from 'supertest';
import { commentInput, createModerator, createSite, createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/testApp';

let t: TestApp;
let site: string;
let mod: { id: string; apiKey: string; name: string };

beforeAll(async () => {
  t = await createTestApp();
  site = await createSite(t.ctx, { settings: { mode: 'pre' } });
  mod = await createModerator(t.ctx, { siteIds: [site], name: 'Morgan Editor' });
});
afterAll(() => t.close());

const thread = (page: string, owner?: string) => {
  const req = request(t.app).get(`/api/v1/sites/${site}/comments`).query({ page });
  return owner ? req.set('X-Parley-Owner', owner) : req;
};

describe('a comment from submission to publication', () => {
  test('is held in pre mode, visible only to its owner, approved by a moderator, then public without its email', async () => {
    const input = commentInput({ page: '/flow', email: 'jane.flow@example.org', website: 'jane.example', body: 'First line\nsecond line\n\nNew paragraph' });
    const posted = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(input).expect(201);
    expect(posted.body).toMatchObject({
      comment: { parentId: null, name: 'Jane Reader', website: 'https://jane.example/', status: 'pending' },
      message: 'Your comment is awaiting moderation.',
    });
    expect(posted.body.comment.html).toBe('<p>First line<br />second line</p><p>New paragraph</p>');
    const { id } = posted.body.comment;

    const anonymous = await thread('/flow').expect(200);
    expect(anonymous.body).toMatchObject({ total: 0, comments: [] });

    const own = await thread('/flow', posted.body.ownerToken).expect(200);
    expect(own.body.comments).toHaveLength(1);
    expect(own.body.comments[0]).toMatchObject({ id, status: 'pending' });
    expect(own.headers['cache-control']).toContain('private');

    const otherToken = await thread('/flow', 'x'.repeat(32)).expect(200);
    expect(otherToken.body.comments).toHaveLength(0);

    const queue = await request(t.app).get('/api/v1/moderation/comments').set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
    const queued = queue.body.comments.find((c: { id: string }) => c.id === id);
    expect(queued).toMatchObject({ email: 'jane.flow@example.org', site, page: '/flow', status: 'pending', body: input.body });
    expect(queued.reasons).toContain('pre_moderation');

    const approved = await request(t.app).post(`/api/v1/moderation/comments/${id}/approve`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
    expect(approved.body.comment).toMatchObject({ id, status: 'approved', moderatedBy: { id: mod.id, name: 'Morgan Editor' } });

    const pub = await thread('/flow').expect(200);
    expect(pub.body.total).toBe(1);
    expect(pub.body.comments[0]).toMatchObject({ id, status: 'approved', name: 'Jane Reader' });
    expect(JSON.stringify(pub.body)).not.toContain('jane.flow@example.org');

    const audit = await request(t.app).get('/api/v1/moderation/audit').query({ site }).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
    expect(audit.body.events[0]).toMatchObject({ commentId: id, action: 'approve', fromStatus: 'pending', toStatus: 'approved', via: 'api', moderator: { id: mod.id, name: 'Morgan Editor' } });
  });

  test('accepts null for the optional fields, as JSON clients send them', async () => {
    const res = await request(t.app).post(`/api/v1/sites/${site}/comments`)
      .send(commentInput({ page: '/nulls', website: null, pageUrl: null, pageTitle: null, parentId: null })).expect(201);
    expect(res.body.comment).toMatchObject({ website: null, parentId: null });
  });

  test('queues a moderator notification in the same transaction as a pending comment', async () => {
    const posted = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page: '/notify' })).expect(201);
    const jobs = await t.ctx.prisma.job.findMany();
    expect(jobs.some((j) => JSON.stringify(j.payload).includes(posted.body.comment.id))).toBe(true);
  });

  test('repeating an action is idempotent and logs once; restore, reject, spam and delete move the status', async () => {
    const posted = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page: '/actions' })).expect(201);
    const id = posted.body.comment.id;
    const auth = { Authorization: `Bearer ${mod.apiKey}` };
    await request(t.app).post(`/api/v1/moderation/comments/${id}/approve`).set(auth).expect(200);
    await request(t.app).post(`/api/v1/moderation/comments/${id}/approve`).set(auth).expect(200);
    const events = await t.ctx.prisma.auditEvent.count({ where: { commentId: id, action: 'approve' } });
    expect(events).toBe(1);
    for (const [action, status] of [['restore', 'pending'], ['reject', 'rejected'], ['spam', 'spam']] as const) {
      const res = await request(t.app).post(`/api/v1/moderation/comments/${id}/${action}`).set(auth).expect(200);
      expect(res.body.comment.status).toBe(status);
    }
    const deleted = await request(t.app).delete(`/api/v1/moderation/comments/${id}`).set(auth).expect(200);
    expect(deleted.body.comment.status).toBe('deleted');
    expect(await t.ctx.prisma.comment.count({ where: { id } })).toBe(1);
    const page = await request(t.app).get(`/api/v1/sites/${site}/counts`).query({ page: '/actions' }).expect(200);
    expect(page.body.counts['/actions']).toBe(0);
  });

  test('an edit keeps the old text in the audit log and changes the public html', async () => {
    const posted = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page: '/edit', body: 'Original text' })).expect(201);
    const id = posted.body.comment.id;
    const auth = { Authorization: `Bearer ${mod.apiKey}` };
    await request(t.app).post(`/api/v1/moderation/comments/${id}/approve`).set(auth).expect(200);
    const before = await thread('/edit').expect(200);
    const edited = await request(t.app).patch(`/api/v1/moderation/comments/${id}`).set(auth).send({ body: 'Edited text' }).expect(200);
    expect(edited.body.comment.html).toBe('<p>Edited text</p>');
    const after = await thread('/edit').expect(200);
    expect(after.body.comments[0].html).toBe('<p>Edited text</p>');
    expect(after.headers.etag).not.toBe(before.headers.etag);
    const audit = await request(t.app).get('/api/v1/moderation/audit').query({ comment: id }).set(auth).expect(200);
    expect(audit.body.events[0]).toMatchObject({ action: 'edit', oldBody: 'Original text', newBody: 'Edited text' });
  });

  test('bulk approves several comments and reports each one', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page: '/bulk' })).expect(201);
      ids.push(res.body.comment.id);
    }
    const missing = '00000000-0000-4000-8000-000000000000';
    const res = await request(t.app).post('/api/v1/moderation/comments/bulk').set('Authorization', `Bearer ${mod.apiKey}`).send({ ids: [...ids, missing], action: 'approve' }).expect(200);
    expect(res.body.results).toEqual([
      ...ids.map((id) => ({ id, ok: true })),
      { id: missing, ok: false, error: { code: 'not_found', message: 'Comment not found.' } },
    ]);
    const counts = await request(t.app).get(`/api/v1/sites/${site}/counts`).query({ page: ['/bulk', '/none'] }).expect(200);
    expect(counts.body).toEqual({ counts: { '/bulk': 3, '/none': 0 } });
  });
});

describe('post-moderation', () => {
  test('a reply published at once queues the notification its parent author asked for', async () => {
    const postSite = await createSite(t.ctx, { settings: { mode: 'post' } });
    const parent = await request(t.app).post(`/api/v1/sites/${postSite}/comments`).send(commentInput({ page: '/post', notifyReplies: true })).expect(201);
    expect(parent.body.comment.status).toBe('approved');
    const reply = await request(t.app).post(`/api/v1/sites/${postSite}/comments`).send(commentInput({ page: '/post', parentId: parent.body.comment.id })).expect(201);
    expect(reply.body.comment.status).toBe('approved');
    const jobs = await t.ctx.prisma.job.findMany({ where: { kind: 'send_reply_notification' } });
    expect(jobs.map((j) => (j.payload as { commentId: string }).commentId)).toContain(reply.body.comment.id);
  });
});

describe('threads', () => {
  async function approvedComment(page: string, extra: Record<string, unknown> = {}) {
    const res = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page, ...extra })).expect(201);
    await request(t.app).post(`/api/v1/moderation/comments/${res.body.comment.id}/approve`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
    return res.body.comment.id as string;
  }

  test('replies nest under their parents, oldest first', async () => {
    const a = await approvedComment('/tree');
    t.clock.advance(1000);
    const b = await approvedComment('/tree');
    t.clock.advance(1000);
    const a1 = await approvedComment('/tree', { parentId: a });
    t.clock.advance(1000);
    const a1x = await approvedComment('/tree', { parentId: a1 });
    const res = await thread('/tree').expect(200);
    expect(res.body.total).toBe(4);
    expect(res.body.comments.map((c: { id: string }) => c.id)).toEqual([a, b]);
    expect(res.body.comments[0].replies[0]).toMatchObject({ id: a1, parentId: a });
    expect(res.body.comments[0].replies[0].replies[0]).toMatchObject({ id: a1x, parentId: a1 });
  });

  test('pages through top-level comments with limit and cursor', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) {
      t.clock.advance(1000);
      ids.push(await approvedComment('/paged'));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let round = 0; round < 5; round++) {
      const res = await request(t.app).get(`/api/v1/sites/${site}/comments`).query({ page: '/paged', limit: 2, ...(cursor ? { cursor } : {}) }).expect(200);
      seen.push(...res.body.comments.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(seen).toEqual(ids);
  });

  test('carries an ETag and answers 304 until the thread changes', async () => {
    await approvedComment('/etag');
    const first = await thread('/etag').expect(200);
    expect(first.headers['cache-control']).toContain('stale-while-revalidate');
    await thread('/etag').set('If-None-Match', first.headers.etag).expect(304);
    await approvedComment('/etag');
    const changed = await thread('/etag').set('If-None-Match', first.headers.etag).expect(200);
    expect(changed.body.total).toBe(2);
  });

  test('an unknown page is an empty thread', async () => {
    const res = await thread('/never-commented').expect(200);
    expect(res.body).toEqual({ page: { key: '/never-commented', title: null, closed: false, maxDepth: 3 }, total: 0, comments: [], nextCursor: null });
  });
});

describe('HTML forms and CORS', () => {
  test('a form post redirects 303 back to the page on an allowed origin', async () => {
    const res = await request(t.app)
      .post(`/api/v1/sites/${site}/comments`)
      .type('form')
      .send({ ...commentInput({ page: '/form', pageUrl: `${TEST_ORIGIN}/form` }), notifyReplies: 'on' })
      .expect(303);
    expect(res.headers.location).toMatch(new RegExp(`^${TEST_ORIGIN}/form#parley-`));
    const stored = await t.ctx.prisma.comment.findFirstOrThrow({ where: { page: { key: '/form' } } });
    expect(stored.notifyReplies).toBe(true);
  });

  test('a form post never redirects to an origin the site does not trust', async () => {
    const res = await request(t.app).post(`/api/v1/sites/${site}/comments`).type('form').send(commentInput({ page: '/form2', pageUrl: 'https://evil.example/phish' })).expect(303);
    expect(res.headers.location).toMatch(/^http:\/\/parley\.test\/embed\//);
  });

  test('allowed origins get CORS headers; other origins get 403', async () => {
    const ok = await thread('/cors').set('Origin', TEST_ORIGIN).expect(200);
    expect(ok.headers['access-control-allow-origin']).toBe(TEST_ORIGIN);
    const bad = await thread('/cors').set('Origin', 'https://evil.example').expect(403);
    expect(bad.body.error.code).toBe('forbidden');
    const preflight = await request(t.app).options(`/api/v1/sites/${site}/comments`).set('Origin', TEST_ORIGIN).set('Access-Control-Request-Method', 'POST').expect(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('X-Parley-Owner');
  });
});
