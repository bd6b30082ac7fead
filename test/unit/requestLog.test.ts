import { Writable } from 'node:stream';
import express from 'express';
import helmet from 'helmet';
import pino from 'pino';
import request from 'supertest';
import { errorMiddleware } from '../../src/http/errorMiddleware';
import { requestLog } from '../../src/http/requestLog';
import { securityHeaders } from '../../src/http/securityHeaders';

/** The request log and security headers that replaced pino-http and per-request helmet. */
function appWithLog(level: string) {
  const lines: Array<Record<string, any>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = express();
  app.use(requestLog(pino({ level }, sink)));
  app.get('/healthz', (_req, res) => void res.send('ok'));
  app.get('/moderate/:token', (_req, res) => void res.send('ok'));
  app.get('/thread', (_req, res) => void res.json({ ok: true }));
  app.get('/boom', () => {
    throw new Error('kaput');
  });
  app.use(errorMiddleware);
  return { app, lines };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('each request gets an id in X-Request-Id and one line with that id, its path without the query, and its status', async () => {
  const { app, lines } = appWithLog('info');
  const res = await request(app).get('/thread?page=/a&email=someone@example.org').expect(200);
  await settle();
  expect(res.headers['x-request-id']).toMatch(UUID);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    level: 30, msg: 'request completed', req: { id: res.headers['x-request-id'], method: 'GET', path: '/thread' }, res: { status: 200 },
  });
  expect(typeof lines[0].responseTime).toBe('number');
  expect(JSON.stringify(lines)).not.toContain('someone@example.org');
});

test('a 5xx logs the error and the request at error level under the same request id', async () => {
  const { app, lines } = appWithLog('info');
  const res = await request(app).get('/boom').expect(500);
  await settle();
  const id = res.headers['x-request-id'];
  expect(lines.map((l) => [l.level, l.msg, l.req?.id])).toEqual([
    [50, 'unhandled error', id],
    [50, 'request completed', id],
  ]);
  expect(lines[0].err.message).toBe('kaput');
  expect(res.body.error.code).toBe('internal');
});

test('health checks are not logged, token paths are masked, and below its level nothing is written', async () => {
  const { app, lines } = appWithLog('info');
  await request(app).get('/healthz').expect(200);
  await request(app).get('/moderate/secret-token-value').expect(200);
  await settle();
  expect(lines.map((l) => l.req.path)).toEqual(['/moderate/[token]']);

  const quiet = appWithLog('warn');
  await request(quiet.app).get('/thread').expect(200);
  await request(quiet.app).get('/boom').expect(500);
  await settle();
  expect(quiet.lines.map((l) => l.msg)).toEqual(['unhandled error', 'request completed']);
});

test('securityHeaders sets exactly the headers helmet sets with the same options', async () => {
  const options = { contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], frameAncestors: ["'self'"] } } };
  const headersOf = async (mw: express.RequestHandler) => {
    const app = express();
    app.disable('x-powered-by');
    app.use(mw);
    app.get('/', (_req, res) => void res.send('ok'));
    const { headers } = await request(app).get('/').expect(200);
    const { date: _date, ...rest } = headers;
    return rest;
  };
  const ours = await headersOf(securityHeaders(options));
  expect(ours).toEqual(await headersOf(helmet(options)));
  expect(ours['content-security-policy']).toContain("frame-ancestors 'self'");
});
