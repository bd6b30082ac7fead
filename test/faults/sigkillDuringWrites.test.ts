import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb';
import { openEmbeddedDataDir, postComment, startParley, stopParley, type ParleyProcess } from './parleyProcess';

/**
 * SIGKILL in the middle of a burst of 500 POSTs: every comment that was answered 201 is in the database
 * afterwards, with exactly the text that was sent. (A 201 is sent only after the transaction commits.)
 * Server mode: Parley on this file's schema. Embedded mode: Parley with its own embedded Postgres in a
 * data directory, which is then reopened after the kill.
 */
const BURST = 500;
const CONCURRENCY = 16;

let db: TestDatabase | null = null;
let parley: ParleyProcess | null = null;
let dataDir: string | null = null;

afterAll(async () => {
  if (parley) await stopParley(parley);
  await db?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const SITE_SETTINGS = { mode: 'post', minSubmitSeconds: 0, rateLimit: { perIp: { max: 100_000, windowSeconds: 60 }, perEmail: { max: 100_000, windowSeconds: 60 } } };

test('every comment answered 201 before a SIGKILL is stored intact', async () => {
  const server = Boolean(process.env.TEST_DATABASE_URL);
  let site: string;
  if (server) {
    db = await createTestDatabase();
    site = 'killsite';
    await db.prisma.site.create({ data: { id: site, name: 'Kill', allowedOrigins: [], settings: SITE_SETTINGS } });
    parley = await startParley({ db });
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-kill-'));
    parley = await startParley({ dataDir, env: { DEMO_SITE: 'true' } });
    site = 'demo'; // pre-moderated: every comment is stored as pending, with its notification job
  }

  const sent = new Map<number, string>();
  const acknowledged = new Map<string, string>(); // comment id -> body sent
  let next = 0;
  let killedAt = -1;
  const p = parley;
  async function lane() {
    while (next < BURST) {
      const n = next++;
      if (n === 150 && killedAt < 0) {
        killedAt = n;
        p.kill('SIGKILL');
      }
      const body = `Burst comment ${n}: ünïcödé ✓ "quoted" <b>not html</b>\nsecond line`;
      sent.set(n, body);
      try {
        const res = await postComment(p.url, site, { page: `/burst/${n % 7}`, name: `Writer ${n}`, email: `w${n}@example.org`, body }, `10.1.${n >> 8}.${n & 255}`, 10_000);
        if (res.status === 201) acknowledged.set(JSON.parse(res.body).comment.id, body);
        else if (res.status !== 503) throw new Error(`unexpected ${res.status}: ${res.body}`);
      } catch (err) {
        if (!/ECONNREFUSED|ECONNRESET|socket hang up|EPIPE|timeout/.test(String(err))) throw err;
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const exit = await p.exited;
  expect(exit.signal).toBe('SIGKILL');
  expect(killedAt).toBe(150);
  expect(acknowledged.size).toBeGreaterThan(50);

  const stored = await readStoredComments(site);
  for (const [id, body] of acknowledged) {
    expect(stored.get(id)).toBe(body);
  }
  // Nothing half-written: every stored row is one the burst sent, whole.
  const bodies = new Set(sent.values());
  for (const body of stored.values()) expect(bodies.has(body)).toBe(true);
});

async function readStoredComments(site: string): Promise<Map<string, string>> {
  const query = `SELECT "id"::text AS id, "body" FROM "Comment" WHERE "siteId" = $1`;
  if (db) {
    const { rows } = await db.pool.query<{ id: string; body: string }>(query, [site]);
    return new Map(rows.map((r) => [r.id, r.body]));
  }
  // Reopen the killed process's embedded database, as the next start would.
  const reopened = await openEmbeddedDataDir(path.join(dataDir!, 'pgdata'));
  const pool = new Pool({ connectionString: reopened.url, max: 1 });
  try {
    const { rows } = await pool.query<{ id: string; body: string }>(query, [site]);
    return new Map(rows.map((r) => [r.id, r.body]));
  } finally {
    await pool.end();
    await reopened.stop();
  }
}

