import http from 'node:http';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createTestApp, type TestApp } from '../helpers/testApp';

/**
 * /metrics is not public: without METRICS_TOKEN it is not served on the main port at all (404), with one
 * it needs that token as a Bearer (401 otherwise, same error shape as the API).
 * (METRICS_PORT, the other way to expose it, is exercised by test/faults/startupAndShutdown.test.ts.)
 */
let open: TestApp;
let guarded: TestApp;
const TOKEN = 'a-long-enough-metrics-token';

beforeAll(async () => {
  open = await createTestApp();
  guarded = await createTestApp({ env: { METRICS_TOKEN: TOKEN } });
});
afterAll(async () => {
  await open.close();
  await guarded.close();
});

test('without METRICS_TOKEN, /metrics is not served on the public port', async () => {
  const res = await request(open.app).get('/metrics').expect(404);
  expect(res.body.error.code).toBe('not_found');
  expect(res.text).not.toMatch(/parley_/);
  await request(open.app).get('/metrics').set('Authorization', 'Bearer anything-at-all-here').expect(404);
});

test('with METRICS_TOKEN, only that Bearer token reads /metrics', async () => {
  for (const auth of [undefined, 'Bearer wrong-token-of-some-length', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, TOKEN]) {
    const req = request(guarded.app).get('/metrics');
    if (auth) req.set('Authorization', auth);
    const res = await req.expect(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(res.text).not.toMatch(/parley_/);
  }
  const ok = await request(guarded.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
  expect(ok.text).toMatch(/parley_http_request_duration_seconds/);
  expect(ok.headers['cache-control']).toBe('no-store');
});

test('a short METRICS_TOKEN is a configuration error', async () => {
  const { loadConfig, ConfigError } = await import('../../src/config');
  expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError);
});

test('health and readiness say 503 "starting" until start-up has finished', async () => {
  let ready = false;
  const app = createApp(open.ctx, { shuttingDown: () => false, ready: () => ready });
  const server = http.createServer(app);
  try {
    await request(server).get('/healthz').expect(503, { status: 'starting' });
    await request(server).get('/readyz').expect(503, { status: 'starting' });
    ready = true;
    await request(server).get('/healthz').expect(200, { status: 'ok' });
    await request(server).get('/readyz').expect(200, { status: 'ready', database: 'ok' });
  } finally {
    server.close();
  }
});
