import request from 'supertest';
import { buildWidget } from '../../scripts/buildWidget';
import { commentInput, createModerator, createSite, createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/testApp';

let t: TestApp;
let site: string;
let mod: { apiKey: string };

beforeAll(async () => {
  await buildWidget();
  t = await createTestApp({ realClock: true });
  site = await createSite(t.ctx, { settings: { mode: 'pre' }, allowedOrigins: [TEST_ORIGIN] });
  mod = await createModerator(t.ctx, { siteIds: [site] });
}, 120_000);
afterAll(() => t?.close());

const approve = (id: string) =>
  request(t.app).post(`/api/v1/moderation/comments/${id}/approve`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);

describe('GET /widget.js', () => {
  test('is served gzipped, with an ETag, short caching and cross-origin readability', async () => {
    const res = await request(t.app).get('/widget.js').set('Accept-Encoding', 'gzip').expect(200);
    expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.etag).toMatch(/^"[0-9a-f]{16}"$/);
    expect(res.headers['cache-control']).toBe('public, max-age=300, stale-while-revalidate=86400');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers.vary).toContain('Accept-Encoding');
    expect(res.text).toContain('attachShadow');

    await request(t.app).get('/widget.js').set('If-None-Match', res.headers.etag).expect(304);
    const hash = res.headers.etag.replace(/"/g, '');
    const pinned = await request(t.app).get(`/widget.js?v=${hash}`).expect(200);
    expect(pinned.headers['cache-control']).toContain('immutable');
  });

  test('is served uncompressed to clients that do not accept gzip', async () => {
    const res = await request(t.app).get('/widget.js').set('Accept-Encoding', 'identity').expect(200);
    expect(res.headers['content-encoding']).toBeUndefined();
  });
});

describe('the demo page', () => {
  test.each(['/', '/demo'])('%s renders the article with the widget snippet and a strict CSP', async (path) => {
    const res = await request(t.app).get(path).expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.text).toContain('<h1>Canada’s Strategic Shift: Carney’s Beijing Visit Signals New Era in China Ties</h1>');
    expect(res.text).toContain('<h2>Reassessing Alliance Priorities</h2>');
    expect(res.text).toContain('<div id="parley" data-site="demo" data-page="/2026/01/carney-beijing"></div>');
    expect(res.text).toContain('<script src="/widget.js" async></script>');
    // Every script is a file: no inline script for the CSP to allow.
    expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\sstyle=/);
  });

  test('its stylesheet is a file', async () => {
    const res = await request(t.app).get('/demo.css').expect(200);
    expect(res.headers['content-type']).toContain('text/css');
  });
});

describe('the no-JS embed page', () => {
  const page = '/embed-test';
  const embed = (query: Record<string, string> = {}) => request(t.app).get(`/embed/${site}`).query({ page, ...query });

  test('may be framed by the site origins only, and loads no script', async () => {
    const res = await embed().expect(200);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain(`frame-ancestors 'self' ${TEST_ORIGIN}`);
    expect(csp).toContain("script-src 'none'");
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.text).toContain('0 comments');
    expect(res.text).toContain('Leave a Reply');
    expect(res.text).not.toMatch(/<script/);
    // The form carries a signed render time, like the widget's, and the honeypot.
    expect(res.text).toMatch(/<input type="hidden" name="formToken" value="\d+\.[\w-]{43}">/);
    expect(res.text).toMatch(/<input type="text" id="parley-hp" name="hp" tabindex="-1" autocomplete="off">/);
  });

  test('shows approved comments escaped, threaded, with safe author links and no email', async () => {
    const hostile = commentInput({
      page,
      name: '<img src=x onerror=alert(1)>',
      email: 'hostile.embed@example.org',
      website: 'https://evil.example/"><script>alert(1)</script>',
      body: '<script>alert(1)</script> & <b>bold</b>',
    });
    const posted = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(hostile).expect(201);
    await approve(posted.body.comment.id);
    const reply = await request(t.app)
      .post(`/api/v1/sites/${site}/comments`)
      .send(commentInput({ page, name: 'Rita Replier', parentId: posted.body.comment.id }))
      .expect(201);
    await approve(reply.body.comment.id);

    const res = await embed().expect(200);
    expect(res.text).toContain('2 comments');
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(res.text).not.toContain('<script>');
    expect(res.text).not.toContain('hostile.embed@example.org');
    expect(res.text).toMatch(/rel="nofollow ugc noopener"/);
    // The reply sits inside its parent's list of replies.
    const parentAt = res.text.indexOf(`id="parley-${posted.body.comment.id}"`);
    const repliesAt = res.text.indexOf('<ol class="replies">', parentAt);
    const replyAt = res.text.indexOf(`id="parley-${reply.body.comment.id}"`);
    expect(parentAt).toBeGreaterThan(0);
    expect(repliesAt).toBeGreaterThan(parentAt);
    expect(replyAt).toBeGreaterThan(repliesAt);
  });

  test('"Reply" without JavaScript puts the form, with parentId, under that comment', async () => {
    const parent = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page: '/reply-nojs', name: 'Paula Parent' })).expect(201);
    const id = parent.body.comment.id;
    await approve(id);
    const list = await request(t.app).get(`/embed/${site}`).query({ page: '/reply-nojs' }).expect(200);
    expect(list.text).toContain(`replyTo=${id}#parley-respond`);
    const res = await request(t.app).get(`/embed/${site}`).query({ page: '/reply-nojs', replyTo: id }).expect(200);
    const li = res.text.indexOf(`id="parley-${id}"`);
    const form = res.text.indexOf('<form method="post"');
    expect(form).toBeGreaterThan(li);
    expect(res.text).toContain(`<input type="hidden" name="parentId" value="${id}">`);
    expect(res.text).toContain('<h2 id="parley-reply-title">Reply to Paula Parent</h2>');
    expect(res.text).toContain('Cancel reply');
  });

  test('speaks French when asked', async () => {
    const res = await embed({ lang: 'fr' }).expect(200);
    expect(res.text).toContain('<html lang="fr">');
    expect(res.text).toContain('Laisser un commentaire');
    const accept = await embed().set('Accept-Language', 'fr-CA,fr;q=0.9').expect(200);
    expect(accept.text).toContain('Laisser un commentaire');
  });

  test('a form post redirects back (303) and the author then sees their pending comment', async () => {
    const res = await request(t.app)
      .post(`/embed/${site}?page=${encodeURIComponent(page)}`)
      .type('form')
      .send({ page, name: 'No Script', email: 'noscript@example.org', body: 'Posted without JavaScript.', hp: '' })
      .expect(303);
    expect(res.headers.location).toMatch(new RegExp(`^/embed/${site}\\?page=%2Fembed-test&lang=en&posted=pending#parley-`));
    const cookie = res.headers['set-cookie'][0];
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(new RegExp(`Path=/embed/${site}`));

    const back = await request(t.app).get(res.headers.location.replace(/#.*/, '')).set('Cookie', cookie.split(';')[0]).expect(200);
    expect(back.text).toContain('Thank you! Your comment is awaiting moderation.');
    expect(back.text).toContain('Posted without JavaScript.');
    expect(back.text).toContain('Your comment is awaiting moderation</p>');
    const stranger = await embed().expect(200);
    expect(stranger.text).not.toContain('Posted without JavaScript.');
  });

  test('a form post with errors comes back with each error beside its field', async () => {
    const { formToken } = (await request(t.app).get(`/api/v1/sites/${site}/form-token`).expect(200)).body;
    const res = await request(t.app)
      .post(`/embed/${site}?page=${encodeURIComponent(page)}`)
      .type('form')
      .send({ page, name: '', email: 'not-an-email', body: 'Kept text', formToken })
      .expect(400);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toMatch(/<input type="text" id="parley-name"[^>]*aria-invalid="true"/);
    expect(res.text).toMatch(/<p class="er" id="parley-err-name" aria-live="polite">Name is required.<\/p>/);
    expect(res.text).toMatch(/<p class="er" id="parley-err-email" aria-live="polite">Enter a valid email address.<\/p>/);
    expect(res.text).toContain('>Kept text</textarea>');
    expect(res.text).toContain(`name="formToken" value="${formToken}"`);
  });

  test('an unknown site is a 404', async () => {
    await request(t.app).get('/embed/no-such-site').query({ page }).expect(404);
  });
});
