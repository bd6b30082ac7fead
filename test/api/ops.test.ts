import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/testApp';

let t: TestApp;
const METRICS = 'metrics-token-for-the-ops-test';
beforeAll(async () => {
  t = await createTestApp({ env: { METRICS_TOKEN: METRICS } });
});
afterAll(() => t.close());

test('healthz and readyz answer 200 while the database answers', async () => {
  await request(t.app).get('/healthz').expect(200, { status: 'ok' });
  const ready = await request(t.app).get('/readyz').expect(200);
  expect(ready.body).toEqual({ status: 'ready', database: 'ok' });
});

test('the OpenAPI document is generated from the request schemas', async () => {
  const res = await request(t.app).get('/api/v1/openapi.json').expect(200);
  expect(res.body.openapi).toMatch(/^3\./);
  const submit = res.body.paths['/api/v1/sites/{site}/comments'].post;
  const schema = submit.requestBody.content['application/json'].schema;
  expect(schema.required.sort()).toEqual(['body', 'email', 'name', 'page']);
  expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['parentId', 'website', 'notifyReplies', 'pageUrl']));
  expect(Object.keys(submit.responses)).toEqual(expect.arrayContaining(['201', '400', '409', '413', '415', '429']));
  for (const path of ['/api/v1/moderation/comments', '/api/v1/moderation/comments/bulk', '/api/v1/moderation/audit', '/api/v1/sites/{site}/counts']) {
    expect(res.body.paths[path]).toBeDefined();
  }
  expect(res.body.paths['/api/v1/moderation/comments'].get.security).toEqual([{ apiKey: [] }]);
});

test('every response carries security headers', async () => {
  const res = await request(t.app).get('/api/v1/openapi.json').expect(200);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  expect(res.headers['x-powered-by']).toBeUndefined();
});

test('/metrics reports request durations by route pattern and the notification queue', async () => {
  await request(t.app).get('/healthz').expect(200);
  const res = await request(t.app).get('/metrics').set('Authorization', `Bearer ${METRICS}`).expect(200);
  expect(res.text).toMatch(/parley_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} [1-9]\d*/);
  expect(res.text).toMatch(/parley_jobs\{status="dead"\} 0/);
});
