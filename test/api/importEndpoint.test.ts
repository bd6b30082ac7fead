import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';
import { fixtureText, threadShape } from '../importExport/importHelpers';

/** POST /api/v1/moderation/sites/{site}/import: the file as the raw body, for site admins. */
let t: TestApp;
let site: string;
let admin: string;
let moderator: string;
beforeAll(async () => {
  t = await createTestApp({ env: { IMPORT_MAX_BYTES: '40000' } });
  site = await createSite(t.ctx, { settings: { maxDepth: 5 } });
  admin = (await createModerator(t.ctx, { siteIds: [site], role: 'admin' })).apiKey;
  moderator = (await createModerator(t.ctx, { siteIds: [site] })).apiKey;
});
afterAll(async () => {
  await t?.close();
});

const post = (key: string, format: string, body: string | Buffer, type = 'application/xml', to = site) =>
  request(t.app)
    .post(`/api/v1/moderation/sites/${to}/import`)
    .query({ format })
    .set('Authorization', `Bearer ${key}`)
    .set('Content-Type', type)
    .send(body);

test('an admin imports a WordPress export; the same file again imports nothing', async () => {
  const res = await post(admin, 'wxr', fixtureText('wordpress.xml'));
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ imported: 8, skipped: 2, errors: [] });
  expect((await threadShape(t, site, '/2023/11/elections-budget/')).total).toBe(4);

  const again = await post(admin, 'wxr', fixtureText('wordpress.xml'));
  expect(again.body).toEqual({ imported: 0, skipped: 10, errors: [] });
  expect(await t.ctx.prisma.comment.count({ where: { siteId: site } })).toBe(8);
});

test('a Disqus export, and problems that did not stop the import come back in "errors" without emails', async () => {
  const other = await createSite(t.ctx);
  const key = (await createModerator(t.ctx, { siteIds: [other], role: 'admin' })).apiKey;
  // One reply whose parent is nowhere: it is kept, as a top-level comment, and reported.
  const xml = fixtureText('disqus.xml').replace('<parent dsq:id="9002" />', '<parent dsq:id="424242" />');
  const res = await post(key, 'disqus', xml, 'text/xml', other);
  expect(res.status).toBe(200);
  expect(res.body.imported).toBe(6);
  expect(res.body.errors).toEqual(['Comment 9006: its parent is neither in the file nor on this site; imported as a top-level comment.']);
  expect(JSON.stringify(res.body)).not.toContain('@');
});

test('two imports of the same file at once store each comment once (they take turns per site)', async () => {
  const fresh = await createSite(t.ctx);
  const key = (await createModerator(t.ctx, { siteIds: [fresh], role: 'admin' })).apiKey;
  const [a, b] = await Promise.all([
    post(key, 'disqus', fixtureText('disqus.xml'), 'application/xml', fresh),
    post(key, 'disqus', fixtureText('disqus.xml'), 'application/xml', fresh),
  ]);
  expect([a.status, b.status]).toEqual([200, 200]);
  expect([a.body.imported, b.body.imported].sort()).toEqual([0, 6]);
  expect(await t.ctx.prisma.comment.count({ where: { siteId: fresh } })).toBe(6);
});

test('dryRun=true answers the same counts and stores nothing', async () => {
  const fresh = await createSite(t.ctx);
  const key = (await createModerator(t.ctx, { siteIds: [fresh], role: 'admin' })).apiKey;
  const res = await post(key, 'wxr', fixtureText('wordpress.xml'), 'application/xml', fresh).query({ dryRun: 'true' });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ imported: 8, skipped: 2, errors: [], dryRun: true });
  expect(await t.ctx.prisma.comment.count({ where: { siteId: fresh } })).toBe(0);
});

test('broken XML is a 400 naming the line, and nothing is stored', async () => {
  const fresh = await createSite(t.ctx);
  const key = (await createModerator(t.ctx, { siteIds: [fresh], role: 'admin' })).apiKey;
  const res = await post(key, 'wxr', fixtureText('wordpress-broken.xml'), 'application/xml', fresh);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(res.body.error.message).toMatch(/line 130, column \d+/);
  expect(await t.ctx.prisma.comment.count({ where: { siteId: fresh } })).toBe(0);
  expect(await t.ctx.prisma.page.count({ where: { siteId: fresh } })).toBe(0);
});

test('a file over IMPORT_MAX_BYTES is a 413, whether its length is declared or not, and nothing is stored', async () => {
  const fresh = await createSite(t.ctx);
  const key = (await createModerator(t.ctx, { siteIds: [fresh], role: 'admin' })).apiKey;
  const big = fixtureText('wordpress.xml').replace('</channel>', `<!-- ${'x'.repeat(50_000)} -->\n</channel>`);
  const declared = await post(key, 'wxr', big, 'application/xml', fresh);
  expect(declared.status).toBe(413);
  expect(declared.body.error.code).toBe('payload_too_large');

  // Chunked (no Content-Length): stopped while streaming, after the first comments were already staged.
  const server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: `/api/v1/moderation/sites/${fresh}/import?format=wxr`,
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/xml', 'Transfer-Encoding': 'chunked' } },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      // The server may answer and close before the whole body is sent: that is the point.
      req.on('error', (err) => (req.writableEnded ? undefined : reject(err)));
      for (let i = 0; i < big.length; i += 8192) req.write(big.slice(i, i + 8192));
      req.end();
    });
    expect(status.status).toBe(413);
    expect(JSON.parse(status.body).error.code).toBe('payload_too_large');
  } finally {
    server.close();
  }
  expect(await t.ctx.prisma.comment.count({ where: { siteId: fresh } })).toBe(0);
});

test('a moderator who is not an admin is refused (403), as is a site the key does not moderate', async () => {
  const res = await post(moderator, 'wxr', fixtureText('wordpress.xml'));
  expect(res.status).toBe(403);
  expect(res.body.error.code).toBe('forbidden');
  const other = await createSite(t.ctx);
  expect((await post(admin, 'wxr', fixtureText('wordpress.xml'), 'application/xml', other)).status).toBe(403);
  expect(await t.ctx.prisma.comment.count({ where: { siteId: other } })).toBe(0);
});

test('no key is a 401; an unknown format a 400; a form or multipart body a 415', async () => {
  const anonymous = await request(t.app).post(`/api/v1/moderation/sites/${site}/import?format=wxr`).set('Content-Type', 'application/xml').send('<rss/>');
  expect(anonymous.status).toBe(401);
  const unknown = await post(admin, 'blogger', '<rss/>');
  expect(unknown.status).toBe(400);
  expect(unknown.body.error.fields).toHaveProperty('format');
  const form = await post(admin, 'wxr', 'a=b', 'application/x-www-form-urlencoded');
  expect(form.status).toBe(415);
  expect(form.body.error.code).toBe('unsupported_media_type');
});

test('a Parley export posted as JSON imports too', async () => {
  const fresh = await createSite(t.ctx, { settings: { maxDepth: 5 } });
  const key = (await createModerator(t.ctx, { siteIds: [fresh], role: 'admin' })).apiKey;
  const { runCli } = await import('../cli/cliHarness');
  const exported = await runCli(t.ctx, 'export', site);
  const res = await post(key, 'parley', exported.out, 'application/json', fresh);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ imported: 8, skipped: 0, errors: [] });
  expect(await threadShape(t, fresh, '/2023/11/elections-budget/')).toEqual(await threadShape(t, site, '/2023/11/elections-budget/'));
});

test('the endpoint is in the OpenAPI document', async () => {
  const res = await request(t.app).get('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  const op = res.body.paths['/api/v1/moderation/sites/{site}/import'].post;
  expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '403', '413', '415']));
  expect(op.parameters.find((p: { name: string }) => p.name === 'format').schema.enum).toEqual(['wxr', 'disqus', 'parley']);
});

test('an admin downloads the export (Parley JSON or WXR) and it imports into a fresh site with the same threads', async () => {
  const json = await request(t.app).get(`/api/v1/moderation/sites/${site}/export`).set('Authorization', `Bearer ${admin}`);
  expect(json.status).toBe(200);
  expect(json.headers['content-type']).toMatch(/^application\/json/);
  expect(json.headers['cache-control']).toBe('no-store');
  expect(json.headers['content-disposition']).toBe(`attachment; filename="${site}-comments.json"`);
  const data = JSON.parse(json.text);
  expect(data.comments).toHaveLength(8);

  const wxr = await request(t.app).get(`/api/v1/moderation/sites/${site}/export?format=wxr`).set('Authorization', `Bearer ${admin}`)
    .buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => done(null, text));
    });
  expect(wxr.status).toBe(200);
  expect(wxr.body).toContain('<wp:wxr_version>1.2</wp:wxr_version>');

  const fresh = await createSite(t.ctx, { settings: { maxDepth: 5 } });
  const key = (await createModerator(t.ctx, { siteIds: [fresh], role: 'admin' })).apiKey;
  const res = await post(key, 'wxr', wxr.body, 'application/xml', fresh);
  expect(res.body).toMatchObject({ imported: 8, errors: [] });
  expect(await threadShape(t, fresh, '/2023/11/elections-budget/')).toEqual(await threadShape(t, site, '/2023/11/elections-budget/'));

  const refused = await request(t.app).get(`/api/v1/moderation/sites/${site}/export`).set('Authorization', `Bearer ${moderator}`);
  expect(refused.status).toBe(403);
  expect((await request(t.app).get(`/api/v1/moderation/sites/${site}/export?format=csv`).set('Authorization', `Bearer ${admin}`)).status).toBe(400);
});

test('an erased reader does not come back when the same file is imported again', async () => {
  const fresh = await createSite(t.ctx);
  const key = (await createModerator(t.ctx, { siteIds: [fresh], role: 'admin' })).apiKey;
  expect((await post(key, 'wxr', fixtureText('wordpress.xml'), 'application/xml', fresh)).body.imported).toBe(8);
  const erased = await request(t.app)
    .post('/api/v1/moderation/privacy/erase')
    .set('Authorization', `Bearer ${key}`)
    .send({ email: 'sean.obrien@mail.example' });
  expect(erased.status).toBe(200);
  expect((await post(key, 'wxr', fixtureText('wordpress.xml'), 'application/xml', fresh)).body.imported).toBe(0);
  expect(await t.ctx.prisma.comment.count({ where: { siteId: fresh, email: 'sean.obrien@mail.example' } })).toBe(0);
  const shape = await threadShape(t, fresh, '/2023/11/elections-budget/');
  expect(shape.comments[0].name).not.toContain('Sean');
});
