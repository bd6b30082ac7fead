import { createTestDatabase, type TestDatabase } from '../helpers/testDb';
import { delay, hostPort, httpRequest, startParley, startTcpProxy, stopParley, withPort, type HttpResult, type ParleyProcess } from './parleyProcess';

/**
 * The database goes away under load (every connection cut, new ones refused) and comes back:
 * requests fail fast with 503 meanwhile instead of hanging, /readyz says 503, and the service recovers
 * on its own. A TCP proxy between Parley and Postgres does the cutting, so the shared Postgres server
 * (or this file's embedded one) is never restarted.
 */
let db: TestDatabase;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let parley: ParleyProcess;
const SITE = 'cutsite';

beforeAll(async () => {
  db = await createTestDatabase();
  await db.prisma.site.create({
    data: { id: SITE, name: 'Cut', allowedOrigins: [], settings: { mode: 'post', minSubmitSeconds: 0, rateLimit: { perIp: { max: 100_000, windowSeconds: 60 }, perEmail: { max: 100_000, windowSeconds: 60 } } } },
  });
  // The embedded Postgres serves one connection at a time: hand it over to Parley.
  if (db.mode === 'embedded') await db.pool.end();
  proxy = await startTcpProxy(hostPort(db.mode === 'server' ? process.env.TEST_DATABASE_URL! : db.url));
  const viaProxy = withPort(db.mode === 'server' ? process.env.TEST_DATABASE_URL! : db.url, proxy.port);
  parley = await startParley({ db, env: { DATABASE_URL: viaProxy, DATABASE_CONNECT_TIMEOUT_MS: '1000' } });
});
afterAll(async () => {
  if (parley) await stopParley(parley);
  await proxy?.close();
  await db?.close();
});

const thread = (n: number) =>
  httpRequest(`${parley.url}/api/v1/sites/${SITE}/comments?page=${encodeURIComponent(`/cut/${n % 5}`)}`, {
    // An owner token bypasses the thread cache, so every request needs the database.
    headers: { 'X-Parley-Owner': 'cuttesttoken00000000000000000000' },
    timeoutMs: 20_000,
  });
const post = (n: number) =>
  httpRequest(`${parley.url}/api/v1/sites/${SITE}/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `10.2.${n >> 8}.${n & 255}` },
    body: JSON.stringify({ page: `/cut/${n % 5}`, name: 'Cutter', email: `cut${n}@example.org`, body: `During the cut ${n}` }),
    timeoutMs: 20_000,
  });

/** Keeps `lanes` requests in flight until stopped; records every answer. */
function loadLoop(lanes: number) {
  const results: Array<HttpResult & { phase: string }> = [];
  let phase = 'before';
  let running = true;
  let n = 0;
  const done = Promise.all(
    Array.from({ length: lanes }, async () => {
      while (running) {
        const i = n++;
        const p = phase;
        const res = await (i % 3 === 0 ? post(i) : thread(i));
        results.push({ ...res, phase: p });
      }
    }),
  );
  return {
    results,
    setPhase: (p: string) => (phase = p),
    stop: async () => {
      running = false;
      await done;
    },
  };
}

test('requests fail fast with 503 while the database is cut, and the service recovers by itself', async () => {
  expect((await httpRequest(`${parley.url}/readyz`)).status).toBe(200);
  const load = loadLoop(8);
  await delay(1500);

  load.setPhase('cut');
  await proxy.cut();
  await delay(4000);
  const readyDuringCut = await httpRequest(`${parley.url}/readyz`, { timeoutMs: 10_000 });
  const healthDuringCut = await httpRequest(`${parley.url}/healthz`);
  await delay(1000);

  load.setPhase('restored');
  await proxy.restore();
  // Recovery without a restart: /readyz turns 200 again within a few seconds.
  let ready: HttpResult | null = null;
  for (let i = 0; i < 40; i++) {
    ready = await httpRequest(`${parley.url}/readyz`, { timeoutMs: 10_000 });
    if (ready.status === 200) break;
    await delay(250);
  }
  await delay(2000);
  load.setPhase('after');
  await delay(1500);
  await load.stop();

  expect(readyDuringCut.status).toBe(503);
  expect(readyDuringCut.ms).toBeLessThan(3000);
  expect(healthDuringCut.status).toBe(200); // the process itself is fine
  expect(ready!.status).toBe(200);

  const during = load.results.filter((r) => r.phase === 'cut');
  const unavailable = during.filter((r) => r.status === 503);
  expect(unavailable.length).toBeGreaterThan(0);
  for (const r of unavailable) {
    expect(JSON.parse(r.body)).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
    expect(r.headers['retry-after']).toBeDefined();
  }
  // Fail fast: no request waits on the dead database for long (connect timeout is 1 s).
  expect(Math.max(...during.map((r) => r.ms))).toBeLessThan(5000);
  // Nothing but success or 503, in any phase: no 500, no hang.
  const unexpected = load.results.filter((r) => ![200, 201, 503].includes(r.status)).map((r) => `${r.status} ${r.body}`);
  if (unexpected.length) unexpected.push(...parley.output.filter((l) => l.includes('unhandled error')).slice(0, 3));
  expect(unexpected).toEqual([]);
  const after = load.results.filter((r) => r.phase === 'after');
  expect(after.length).toBeGreaterThan(5);
  expect(after.every((r) => r.status === 200 || r.status === 201)).toBe(true);
  // The process never restarted.
  expect(parley.proc.exitCode).toBeNull();
});
