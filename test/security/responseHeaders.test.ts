import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import request from 'supertest';
import { commentInput, createSite, createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/testApp';

/**
 * Hardening visible on the wire: security headers on every response (errors included), a strict CSP with
 * no inline script on every page the service renders, CORS limited to the site's origins, and the public
 * thread compressed for clients that accept it.
 */
let t: TestApp;
let site: string;

beforeAll(async () => {
  t = await createTestApp();
  site = await createSite(t.ctx, { settings: { mode: 'post' } });
  for (let i = 0; i < 12; i++) {
    await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page: '/big', body: `Comment ${i}: ${'a long enough text to compress well. '.repeat(8)}` })).expect(201);
  }
});
afterAll(() => t.close());

const endpoints: Array<[string, () => request.Test]> = [
  ['healthz', () => request(t.app).get('/healthz')],
  ['readyz', () => request(t.app).get('/readyz')],
  ['openapi', () => request(t.app).get('/api/v1/openapi.json')],
  ['thread', () => request(t.app).get(`/api/v1/sites/${'SITE'}/comments?page=/big`)],
  ['counts', () => request(t.app).get(`/api/v1/sites/${'SITE'}/counts?page=/big`)],
  ['post 201', () => request(t.app).post(`/api/v1/sites/${'SITE'}/comments`).send(commentInput({ page: '/headers' }))],
  ['post 400', () => request(t.app).post(`/api/v1/sites/${'SITE'}/comments`).send({})],
  ['unknown site 404', () => request(t.app).get('/api/v1/sites/nope/comments?page=/x')],
  ['moderation 401', () => request(t.app).get('/api/v1/moderation/comments')],
  ['unknown path 404', () => request(t.app).get('/nothing/here')],
  ['demo page', () => request(t.app).get('/demo')],
  ['embed page', () => request(t.app).get(`/embed/${'SITE'}?page=/big`)],
  ['one-click page with a bad token', () => request(t.app).get('/moderate/not-a-token')],
  ['widget.js', () => request(t.app).get('/widget.js')],
];

test.each(endpoints)('%s carries the security headers', async (_name, send) => {
  const req = send();
  (req as unknown as { url: string }).url = (req as unknown as { url: string }).url.replace('SITE', site);
  const res = await req;
  expect(res.status).toBeLessThan(500);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers['referrer-policy']).toBeDefined();
  if (!/javascript/.test(res.headers['content-type'] ?? '')) {
    const csp = res.headers['content-security-policy'];
    expect(csp).toBeDefined();
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(csp).toMatch(/frame-ancestors/);
    expect(csp).toMatch(/base-uri 'none'/);
  }
});

test.each([
  ['demo page', '/demo'],
  ['embed page', '/embed/SITE?page=/big'],
  ['one-click error page', '/moderate/not-a-token'],
])('%s has no inline script, no inline handlers and a CSP that forbids them', async (_name, path) => {
  const res = await request(t.app).get(path.replace('SITE', site));
  expect(res.headers['content-type']).toMatch(/text\/html/);
  const html = res.text;
  for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) expect(tag).toMatch(/\bsrc=/i);
  expect(html).not.toMatch(/<script\b[^>]*>(?!\s*<\/script>)/i); // nothing between <script> and </script>
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/javascript:/i);
  const csp = res.headers['content-security-policy'] as string;
  expect(csp).toMatch(/script-src ('self'|'none')/);
  expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);
  expect(csp).toMatch(/default-src 'none'|default-src 'self'/);
  expect(csp).toMatch(/object-src 'none'|default-src 'none'/);
});

describe('CORS', () => {
  test('another origin gets 403 with the error shape, on GET, POST and preflight', async () => {
    const evil = 'https://evil.example';
    const get = await request(t.app).get(`/api/v1/sites/${site}/comments?page=/big`).set('Origin', evil).expect(403);
    expect(get.body).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    await request(t.app).post(`/api/v1/sites/${site}/comments`).set('Origin', evil).send(commentInput({ page: '/cors' })).expect(403);
    await request(t.app).options(`/api/v1/sites/${site}/comments`).set('Origin', evil).set('Access-Control-Request-Method', 'POST').expect(403);
    for (const sneaky of ['https://news.example.evil.example', 'https://news.example:8443', 'http://news.example', 'null', TEST_ORIGIN + '/']) {
      await request(t.app).get(`/api/v1/sites/${site}/counts?page=/big`).set('Origin', sneaky).expect(403);
    }
    expect(await t.ctx.prisma.comment.count({ where: { page: { key: '/cors' } } })).toBe(0);
  });

  test('the site\'s own origin is allowed, and only it is echoed', async () => {
    const res = await request(t.app).get(`/api/v1/sites/${site}/comments?page=/big`).set('Origin', TEST_ORIGIN).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(TEST_ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    const pre = await request(t.app).options(`/api/v1/sites/${site}/comments`).set('Origin', TEST_ORIGIN).set('Access-Control-Request-Method', 'POST');
    expect(pre.status).toBeLessThan(300);
    expect(pre.headers['access-control-allow-origin']).toBe(TEST_ORIGIN);
  });
});

/** A GET without any client-side decoding (supertest decodes gzip by itself). */
async function rawGet(path: string, headers: Record<string, string>) {
  const server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http.get(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, { headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
  } finally {
    server.close();
  }
}

describe('compression', () => {
  test.each([
    ['gzip', zlib.gunzipSync],
    ['br', zlib.brotliDecompressSync],
  ])('the thread goes out %s-encoded when accepted, and decodes to the same JSON', async (encoding, decode) => {
    const plain = await request(t.app).get(`/api/v1/sites/${site}/comments?page=/big`).set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const raw = await rawGet(`/api/v1/sites/${site}/comments?page=/big`, { 'Accept-Encoding': encoding });
    expect(raw.status).toBe(200);
    expect(raw.headers['content-encoding']).toBe(encoding);
    expect(raw.headers.vary).toMatch(/Accept-Encoding/);
    expect(raw.headers.etag).toBe(plain.headers.etag);
    const body = raw.body;
    expect(body.length).toBeLessThan(Buffer.byteLength(plain.text) / 2);
    expect(decode(body).toString('utf8')).toBe(plain.text);
  });
});
