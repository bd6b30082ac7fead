import { createTestDatabase, type TestDatabase } from '../helpers/testDb';
import { postComment, startParley, stopParley, type ParleyProcess } from './parleyProcess';

/**
 * Two Parley processes on one database: the flood limits are counted in Postgres, so a client that
 * spreads its comments over both instances gets no more through than it would from one.
 * (Notifications not being duplicated by two workers is covered by test/notifications/delivery.test.ts
 * and crashRecovery.test.ts.)
 */
const server = Boolean(process.env.TEST_DATABASE_URL);
const maybe = server ? test : test.skip;

let db: TestDatabase | null = null;
const instances: ParleyProcess[] = [];
const SITE = 'twosite';
const PER_IP = 5;
const PER_EMAIL = 3;

beforeAll(async () => {
  if (!server) return;
  db = await createTestDatabase();
  await db.prisma.site.create({
    data: {
      id: SITE, name: 'Two', allowedOrigins: [],
      settings: { mode: 'post', minSubmitSeconds: 0, rateLimit: { perIp: { max: PER_IP, windowSeconds: 600 }, perEmail: { max: PER_EMAIL, windowSeconds: 600 } } },
    },
  });
  instances.push(...(await Promise.all([startParley({ db }), startParley({ db })])));
});
afterAll(async () => {
  await Promise.all(instances.map(stopParley));
  await db?.close();
});

maybe('the per-IP flood limit holds across both instances', async () => {
  const ip = '198.51.100.7';
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      postComment(instances[i % 2].url, SITE, { page: '/two', name: 'Flooder', email: `flood${i}@example.org`, body: `Flood ${i}` }, ip),
    ),
  );
  const statuses = results.map((r) => r.status);
  expect(statuses.filter((s) => s === 201)).toHaveLength(PER_IP);
  expect(statuses.filter((s) => s === 429)).toHaveLength(12 - PER_IP);
  const refused = results.find((r) => r.status === 429)!;
  expect(JSON.parse(refused.body).error.code).toBe('rate_limited');
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  // Both instances refused some: the count really is shared.
  const refusedBy = new Set(results.map((r, i) => (r.status === 429 ? i % 2 : -1)).filter((x) => x >= 0));
  expect(refusedBy.size).toBe(2);
  expect(await db!.prisma.comment.count({ where: { siteId: SITE, page: { key: '/two' } } })).toBe(PER_IP);
});

maybe('the per-email flood limit holds across both instances', async () => {
  const results = [];
  for (let i = 0; i < 8; i++) {
    results.push(await postComment(instances[i % 2].url, SITE, { page: '/two-email', name: 'Same', email: 'same.person@example.org', body: `Mail flood ${i}` }, `203.0.113.${i + 1}`));
  }
  expect(results.map((r) => r.status)).toEqual([...Array(PER_EMAIL).fill(201), ...Array(8 - PER_EMAIL).fill(429)]);
});

if (!server) {
  test('two instances need a Postgres server (TEST_DATABASE_URL); the embedded database serves one process', () => {
    expect(server).toBe(false);
  });
}
