import http from 'node:http';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb';
import { deadline, delay, httpRequest, startParley, type ParleyProcess } from './parleyProcess';

/**
 * SIGTERM: the request in flight finishes (201), new connections are refused, the notification worker
 * stops claiming jobs, and the process exits 0 within 10 s.
 * Server mode: this file's schema. Embedded mode: Parley's own embedded Postgres.
 */
let db: TestDatabase | null = null;
let parley: ParleyProcess;

afterAll(async () => {
  if (parley && parley.proc.exitCode === null) parley.kill('SIGKILL');
  await db?.close();
});

test('in-flight requests finish, new ones are refused, the process exits 0 within 10 s', async () => {
  let site: string;
  if (process.env.TEST_DATABASE_URL) {
    db = await createTestDatabase();
    site = 'termsite';
    await db.prisma.site.create({ data: { id: site, name: 'Term', allowedOrigins: [], settings: { mode: 'pre', minSubmitSeconds: 0 } } });
    parley = await startParley({ db, env: { WORKER_ENABLED: 'true', WORKER_POLL_MS: '50' } });
  } else {
    parley = await startParley({ env: { DEMO_SITE: 'true', WORKER_ENABLED: 'true', WORKER_POLL_MS: '50' } });
    site = 'demo';
  }
  const ready = await httpRequest(`${parley.url}/readyz`);
  expect(ready.status).toBe(200);

  // A POST whose body is still arriving when SIGTERM lands.
  const body = JSON.stringify({ page: '/term', name: 'Last Word', email: 'last@example.org', body: 'Sent across a shutdown.' });
  const half = Math.floor(body.length / 2);
  const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(`${parley.url}/api/v1/sites/${site}/comments`, {
      method: 'POST', agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'X-Forwarded-For': '192.0.2.1' },
    }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.write(body.slice(0, half));
    setTimeout(() => req.end(body.slice(half)), 1000);
  });
  await delay(300);
  const signalledAt = Date.now();
  parley.kill('SIGTERM');
  await delay(300);

  // New work is refused: the listener is closed, so a new connection fails (or gets a 503 if it raced in).
  const late = await httpRequest(`${parley.url}/healthz`, { timeoutMs: 3000 }).then(
    (r) => String(r.status),
    (err: Error) => err.message,
  );
  expect(late).toMatch(/ECONNREFUSED|ECONNRESET|503|socket hang up/);

  const finished = await inFlight;
  expect(finished.status).toBe(201);
  expect(JSON.parse(finished.text).comment.name).toBe('Last Word');

  const exit = await Promise.race([parley.exited, deadline(10_000)]);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(Date.now() - signalledAt).toBeLessThan(10_000);
  expect(parley.output.join('\n')).toMatch(/shutting down/);

  if (db) {
    // The worker let go: no job is left claimed by the stopped process.
    const running = await db.prisma.job.count({ where: { status: 'running' } });
    expect(running).toBe(0);
    expect(await db.prisma.comment.count({ where: { siteId: site, name: 'Last Word' } })).toBe(1);
  }
});
