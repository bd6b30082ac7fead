import type { AddressInfo } from 'node:net';
import express from 'express';
import { createAppServer } from '../../src/http/appServer';

/**
 * The server `npm start` runs builds requests and responses that are express's from birth (src/http/appServer.ts):
 * express's own per-request prototype swap then has nothing to do. Supertest tests build their servers the usual
 * way, so this is where the real one's requests are checked to behave as express's.
 */
describe('createAppServer', () => {
  let close: () => Promise<void>;
  let base: string;
  const seen: Array<{ alreadyExpress: boolean; responseAlreadyExpress: boolean }> = [];

  beforeAll(async () => {
    const app = express();
    app.set('trust proxy', 1);
    app.get('/echo/:word', (req, res) => {
      res.set('X-Word', req.params.word).json({ word: req.params.word, q: req.query.q ?? null, ip: req.ip, accepts: req.acceptsEncodings('gzip') });
    });
    const { server, serve } = createAppServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // Registered before the app, so it sees each request and response before express does anything to them.
    server.on('request', (req, res) => {
      seen.push({ alreadyExpress: Object.getPrototypeOf(req) === app.request, responseAlreadyExpress: Object.getPrototypeOf(res) === app.response });
    });
    serve(app);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(() => close());

  test('answers with express features: params, query, proxy address, JSON, headers', async () => {
    const res = await fetch(`${base}/echo/hello?q=1`, { headers: { 'X-Forwarded-For': '203.0.113.7', 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-word')).toBe('hello');
    expect(await res.json()).toEqual({ word: 'hello', q: '1', ip: '203.0.113.7', accepts: 'gzip' });
  });

  test('HEAD is served by the GET route without a body, and an unknown path gets express\'s 404', async () => {
    const head = await fetch(`${base}/echo/x`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });

  test('every request and response arrives with the app\'s prototypes already', () => {
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.every((s) => s.alreadyExpress && s.responseAlreadyExpress)).toBe(true);
  });
});
