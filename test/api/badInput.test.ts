import request from 'supertest';
import { commentInput, createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/**
 * Every malformed, oversized, wrongly typed or hostile request gets the contract's error shape and a 4xx,
 * and leaves stored data as it was.
 */
let t: TestApp;
let site: string;
let otherSite: string;
let apiKey: string;
let parentOnPage: string;
let parentOtherPage: string;
let parentOtherSite: string;
let deepest: string;

async function approved(siteId: string, overrides: Record<string, unknown>) {
  const res = await request(t.app).post(`/api/v1/sites/${siteId}/comments`).send(commentInput(overrides)).expect(201);
  await t.ctx.prisma.comment.update({ where: { id: res.body.comment.id }, data: { status: 'approved' } });
  return res.body.comment.id as string;
}

beforeAll(async () => {
  t = await createTestApp();
  site = await createSite(t.ctx, { settings: { maxDepth: 1 } });
  otherSite = await createSite(t.ctx);
  apiKey = (await createModerator(t.ctx, { siteIds: [site] })).apiKey;
  parentOnPage = await approved(site, { page: '/p' });
  parentOtherPage = await approved(site, { page: '/other' });
  parentOtherSite = await approved(otherSite, { page: '/p' });
  deepest = await approved(site, { page: '/p', parentId: parentOnPage });
});
afterAll(() => t.close());

type Case = {
  name: string;
  send: () => request.Test;
  status: number;
  code: string;
  field?: string;
};

const post = (body: unknown, siteId = () => site) => () =>
  request(t.app).post(`/api/v1/sites/${siteId()}/comments`).set('Content-Type', 'application/json').send(JSON.stringify(body));
const valid = (overrides: Record<string, unknown>) => commentInput({ page: '/p', ...overrides });
const mod = (method: 'get' | 'post' | 'patch' | 'delete', path: string) => request(t.app)[method](path).set('Authorization', `Bearer ${apiKey}`);

const cases: Case[] = [
  { name: 'empty object', send: post({}), status: 400, code: 'validation_failed', field: 'name' },
  { name: 'missing email', send: post(valid({ email: undefined })), status: 400, code: 'validation_failed', field: 'email' },
  { name: 'missing body', send: post(valid({ body: undefined })), status: 400, code: 'validation_failed', field: 'body' },
  { name: 'missing page', send: post(valid({ page: undefined })), status: 400, code: 'validation_failed', field: 'page' },
  { name: 'blank name', send: post(valid({ name: '   ' })), status: 400, code: 'validation_failed', field: 'name' },
  { name: 'invalid email', send: post(valid({ email: 'not-an-email' })), status: 400, code: 'validation_failed', field: 'email' },
  { name: 'email with markup', send: post(valid({ email: '<script>@x.org' })), status: 400, code: 'validation_failed', field: 'email' },
  { name: 'body is a number', send: post(valid({ body: 42 })), status: 400, code: 'validation_failed', field: 'body' },
  { name: 'body is an object', send: post(valid({ body: { $gt: '' } })), status: 400, code: 'validation_failed', field: 'body' },
  { name: 'name is an array', send: post(valid({ name: ['a', 'b'] })), status: 400, code: 'validation_failed', field: 'name' },
  { name: 'javascript: website', send: post(valid({ website: 'javascript:alert(1)' })), status: 400, code: 'validation_failed', field: 'website' },
  { name: 'data: website', send: post(valid({ website: 'data:text/html,<b>x</b>' })), status: 400, code: 'validation_failed', field: 'website' },
  { name: 'page over 512 characters', send: post(valid({ page: '/'.padEnd(513, 'x') })), status: 400, code: 'validation_failed', field: 'page' },
  { name: 'pageUrl not http', send: post(valid({ pageUrl: 'javascript:alert(1)' })), status: 400, code: 'validation_failed', field: 'pageUrl' },
  { name: 'notifyReplies not boolean', send: post(valid({ notifyReplies: 'maybe' })), status: 400, code: 'validation_failed', field: 'notifyReplies' },
  { name: 'NUL byte in name', send: post(valid({ name: 'Jane\u0000' })), status: 400, code: 'validation_failed', field: 'name' },
  { name: 'lone surrogate in body', send: () => request(t.app).post(`/api/v1/sites/${site}/comments`).set('Content-Type', 'application/json').send(`{"page":"/p","name":"J","email":"j@example.org","body":"bad \\ud800 text"}`), status: 400, code: 'validation_failed', field: 'body' },
  { name: 'malformed parentId', send: post(valid({ parentId: "1' OR '1'='1" })), status: 400, code: 'validation_failed', field: 'parentId' },
  { name: 'unknown parentId', send: post(valid({ parentId: '00000000-0000-4000-8000-000000000000' })), status: 400, code: 'validation_failed', field: 'parentId' },
  { name: 'parentId from another page', send: post(valid({ parentId: 'OTHER_PAGE' })), status: 400, code: 'validation_failed', field: 'parentId' },
  { name: 'parentId from another site', send: post(valid({ parentId: 'OTHER_SITE' })), status: 400, code: 'validation_failed', field: 'parentId' },
  { name: 'nesting deeper than the site allows', send: post(valid({ parentId: 'DEEPEST' })), status: 400, code: 'validation_failed', field: 'parentId' },
  { name: 'invalid JSON', send: () => request(t.app).post(`/api/v1/sites/${site}/comments`).set('Content-Type', 'application/json').send('{"page": "/p",'), status: 400, code: 'validation_failed' },
  { name: 'JSON string instead of object', send: () => request(t.app).post(`/api/v1/sites/${site}/comments`).set('Content-Type', 'application/json').send('"hello"'), status: 400, code: 'validation_failed' },
  { name: 'JSON array', send: () => request(t.app).post(`/api/v1/sites/${site}/comments`).set('Content-Type', 'application/json').send('[1,2]'), status: 400, code: 'validation_failed' },
  { name: '10 MB body', send: () => request(t.app).post(`/api/v1/sites/${site}/comments`).set('Content-Type', 'application/json').send(JSON.stringify(valid({ body: 'x'.repeat(10 * 1024 * 1024) }))), status: 413, code: 'payload_too_large' },
  { name: 'text/plain body', send: () => request(t.app).post(`/api/v1/sites/${site}/comments`).set('Content-Type', 'text/plain').send('hello'), status: 415, code: 'unsupported_media_type' },
  { name: 'multipart body', send: () => request(t.app).post(`/api/v1/sites/${site}/comments`).field('name', 'x'), status: 415, code: 'unsupported_media_type' },
  { name: 'unknown site', send: post(valid({}), () => 'no-such-site'), status: 404, code: 'not_found' },
  { name: 'site id with SQL', send: post(valid({}), () => "x'%20OR%201=1--"), status: 404, code: 'not_found' },
  { name: 'thread without page', send: () => request(t.app).get(`/api/v1/sites/${site}/comments`), status: 400, code: 'validation_failed', field: 'page' },
  { name: 'thread with page twice', send: () => request(t.app).get(`/api/v1/sites/${site}/comments?page=a&page=b`), status: 400, code: 'validation_failed', field: 'page' },
  { name: 'thread with limit 0', send: () => request(t.app).get(`/api/v1/sites/${site}/comments?page=/p&limit=0`), status: 400, code: 'validation_failed', field: 'limit' },
  { name: 'thread with limit text', send: () => request(t.app).get(`/api/v1/sites/${site}/comments?page=/p&limit=ten`), status: 400, code: 'validation_failed', field: 'limit' },
  { name: 'thread with forged cursor', send: () => request(t.app).get(`/api/v1/sites/${site}/comments?page=/p&cursor=bm9wZQ`), status: 400, code: 'validation_failed', field: 'cursor' },
  { name: 'counts without pages', send: () => request(t.app).get(`/api/v1/sites/${site}/counts`), status: 400, code: 'validation_failed', field: 'page' },
  { name: 'counts for 101 pages', send: () => request(t.app).get(`/api/v1/sites/${site}/counts?${Array.from({ length: 101 }, (_, i) => `page=p${i}`).join('&')}`), status: 400, code: 'validation_failed', field: 'page' },
  { name: 'moderation without key', send: () => request(t.app).get('/api/v1/moderation/comments'), status: 401, code: 'unauthorized' },
  { name: 'moderation with wrong key', send: () => request(t.app).get('/api/v1/moderation/comments').set('Authorization', 'Bearer pk_wrongwrongwrongwrong'), status: 401, code: 'unauthorized' },
  { name: 'moderation with Basic auth', send: () => request(t.app).get('/api/v1/moderation/comments').set('Authorization', 'Basic YTpi'), status: 401, code: 'unauthorized' },
  { name: 'moderation list with bad status', send: () => mod('get', '/api/v1/moderation/comments?status=everything'), status: 400, code: 'validation_failed', field: 'status' },
  { name: 'moderation list of a foreign site', send: () => mod('get', `/api/v1/moderation/comments?site=${otherSite}`), status: 403, code: 'forbidden' },
  { name: 'approve a malformed id', send: () => mod('post', '/api/v1/moderation/comments/not-a-uuid/approve'), status: 400, code: 'validation_failed', field: 'id' },
  { name: 'approve an unknown id', send: () => mod('post', '/api/v1/moderation/comments/00000000-0000-4000-8000-000000000000/approve'), status: 404, code: 'not_found' },
  { name: 'approve a comment of a foreign site', send: () => mod('post', `/api/v1/moderation/comments/${parentOtherSite}/approve`), status: 404, code: 'not_found' },
  { name: 'unknown action', send: () => mod('post', `/api/v1/moderation/comments/00000000-0000-4000-8000-000000000000/publish`), status: 404, code: 'not_found' },
  { name: 'edit with empty body', send: () => mod('patch', `/api/v1/moderation/comments/00000000-0000-4000-8000-000000000000`).send({ body: '' }), status: 400, code: 'validation_failed', field: 'body' },
  { name: 'edit with unknown field', send: () => mod('patch', `/api/v1/moderation/comments/00000000-0000-4000-8000-000000000000`).send({ body: 'x', status: 'approved' }), status: 400, code: 'validation_failed' },
  { name: 'bulk with unknown action', send: () => mod('post', '/api/v1/moderation/comments/bulk').send({ ids: [], action: 'nuke' }), status: 400, code: 'validation_failed', field: 'action' },
  { name: 'bulk with 201 ids', send: () => mod('post', '/api/v1/moderation/comments/bulk').send({ ids: Array(201).fill('00000000-0000-4000-8000-000000000000'), action: 'approve' }), status: 400, code: 'validation_failed', field: 'ids' },
  { name: 'audit with bad cursor', send: () => mod('get', '/api/v1/moderation/audit?cursor=abc'), status: 400, code: 'validation_failed', field: 'cursor' },
  { name: 'unknown endpoint', send: () => request(t.app).get('/api/v1/nothing-here'), status: 404, code: 'not_found' },
];

async function snapshot() {
  const [comments, pages, audit, jobs] = await Promise.all([
    t.ctx.prisma.comment.findMany({ orderBy: { id: 'asc' } }),
    t.ctx.prisma.page.findMany({ orderBy: { id: 'asc' } }),
    t.ctx.prisma.auditEvent.count(),
    t.ctx.prisma.job.count(),
  ]);
  return JSON.stringify({ comments, pages, audit, jobs });
}

describe('bad input gets a 4xx with the contract error shape and changes nothing', () => {
  test.each(cases)('$name -> $status $code', async (c) => {
    const before = await snapshot();
    const placeholders: Record<string, string> = { OTHER_PAGE: parentOtherPage, OTHER_SITE: parentOtherSite, DEEPEST: deepest };
    // Ids are only known after setup: the case tables name them, and they are swapped into the body here.
    const req = c.send();
    const anyReq = req as unknown as { _data?: unknown };
    for (const [k, v] of Object.entries(placeholders)) {
      if (typeof anyReq._data === 'string') anyReq._data = anyReq._data.replace(k, v);
    }
    const res = await req;
    expect(res.status).toBe(c.status);
    expect(res.body).toEqual({ error: expect.objectContaining({ code: c.code, message: expect.any(String) }) });
    expect(Object.keys(res.body.error).sort()).toEqual(res.body.error.fields ? ['code', 'fields', 'message'] : ['code', 'message']);
    if (c.field) expect(Object.keys(res.body.error.fields ?? {})).toContain(c.field);
    expect(await snapshot()).toBe(before);
  });
});

describe('hostile but valid text is stored as written and rendered inert', () => {
  test.each([
    ["SQL in the body", "'); DROP TABLE \"Comment\"; --"],
    ['HTML in the body', '<img src=x onerror=alert(1)><script>alert(1)</script>'],
    ['entities in the body', '&lt;script&gt;alert(1)&lt;/script&gt; &#x3C;b&#x3E;'],
    ['right-to-left override', 'abc\u202Etxt.exe'],
    ['emoji and combining marks', 'Z̷̢a̵l̶g̴o 👩🏽‍💻 ok'],
  ])('%s', async (_name, text) => {
    const res = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page: '/hostile', body: text, name: text.slice(0, 50) })).expect(201);
    const stored = await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: res.body.comment.id } });
    expect(stored.body).toBe(text.normalize('NFC'));
    expect(res.body.comment.html).not.toMatch(/<(?!\/?(p|br|a)\b)/);
    expect(res.body.comment.html).not.toContain('\u202E');
  });
});
