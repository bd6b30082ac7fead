import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Express } from 'express';
import { Pool } from 'pg';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { startReadReplica, type ReadReplica } from '../../src/db/readReplica';
import { commentInput, createSite, createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/testApp';

/**
 * Read replicas against a real streaming replica of the test server (scripts/testReplica.sh: pg_basebackup -R,
 * port 5433): public thread and count reads go to the replica, a reader's own pending comment comes from the
 * primary, and reads go back to the primary while the replica lags or is stopped, then return to it.
 * Replay is paused and resumed on the replica (pg_wal_replay_pause) to make a real lag.
 */
const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/testReplica.sh');
const REPLICA_URL = process.env.TEST_REPLICA_URL ?? 'postgresql://postgres@127.0.0.1:5433/test';

function replicaScript(action: 'start' | 'stop'): void {
  execFileSync(SCRIPT, [action], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
}

let skipReason: string | null = null;
if (!process.env.TEST_DATABASE_URL) {
  skipReason = 'needs TEST_DATABASE_URL (a replica of the Postgres server; the embedded database has none)';
} else {
  try {
    replicaScript('start');
  } catch (err) {
    skipReason = `could not create the streaming replica with scripts/testReplica.sh: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
    if (process.env.REQUIRE_REPLICA === '1') throw new Error(`REQUIRE_REPLICA=1: ${skipReason}`);
  }
}
if (skipReason) console.warn(`read replica tests skipped: ${skipReason}`);
const describeReplica = skipReason ? describe.skip : describe;
jest.setTimeout(120_000);

describeReplica('read replica', () => {
  let t: TestApp;
  let admin: Pool; // superuser connection to the replica, to pause and resume replay
  let tolerant: ReadReplica; // allows a minute of lag: reads stay on the replica while replay is paused
  let strict: ReadReplica; // allows 1.5 s: reads leave the replica when it falls behind or stops
  let viaTolerant: Express;
  let viaStrict: Express;
  let site: string;
  let preSite: string;
  const log = pino({ level: 'silent' });

  const replica = (maxLagMs: number) =>
    startReadReplica({ url: REPLICA_URL, schema: t.db.schema!, poolSize: 3, connectTimeoutMs: 1000, maxLagMs, primary: t.db.pool, log, checkEveryMs: 200 });

  async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (ok(v)) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const thread = (app: Express, page: string, owner?: string) => {
    const req = request(app).get(`/api/v1/sites/${site}/comments`).query({ page });
    if (owner) req.set('X-Parley-Owner', owner);
    return req.expect(200).then((r) => (r.body.comments as Array<{ name: string }>).map((c) => c.name));
  };
  const count = (app: Express, page: string) =>
    request(app).get(`/api/v1/sites/${site}/counts`).query({ page }).expect(200).then((r) => r.body.counts[page] as number);
  const post = (siteId: string, input: Record<string, unknown>) =>
    request(t.app).post(`/api/v1/sites/${siteId}/comments`).set('Origin', TEST_ORIGIN).send(commentInput(input)).expect(201);

  beforeAll(async () => {
    t = await createTestApp({ realClock: true });
    site = await createSite(t.ctx, { settings: { mode: 'post' } });
    preSite = await createSite(t.ctx, { settings: { mode: 'pre' } });
    admin = new Pool({ connectionString: REPLICA_URL, max: 1 });
    admin.on('error', () => {});
    // The replica has this file's schema (and the sites) once it has replayed them.
    await until('the schema on the replica', () => admin.query(`SELECT count(*)::int AS n FROM "${t.db.schema}"."Site"`).then((r) => r.rows[0].n, () => 0), (n) => n === 2);
    tolerant = replica(60_000);
    strict = replica(1500);
    viaTolerant = createApp({ ...t.ctx, readReplica: tolerant });
    viaStrict = createApp({ ...t.ctx, readReplica: strict });
    await until('both replicas healthy', async () => [(await tolerant.check()).status, (await strict.check()).status], (s) => s.every((x) => x === 'ok'));
  });
  afterAll(async () => {
    await admin?.query('SELECT pg_wal_replay_resume()').catch(() => {});
    await admin?.end();
    await tolerant?.close();
    await strict?.close();
    await t?.close();
    replicaScript('start'); // leave it running for the next file
  });

  test('public thread and counts come from the replica; a reader sees their own pending comment from the primary', async () => {
    await admin.query('SELECT pg_wal_replay_pause()');
    try {
      const published = await post(site, { page: '/routing', name: 'Published Now' });
      expect(published.body.comment.status).toBe('approved');
      // The replica has not replayed it: a read that shows nothing proves it was served there.
      expect(await thread(viaTolerant, '/routing')).toEqual([]);
      expect(await count(viaTolerant, '/routing')).toBe(0);
      // The same read without a replica (the primary) does show it.
      expect(await thread(t.app, '/routing')).toEqual(['Published Now']);
      // The author, holding the owner token, sees it at once: owner-token reads use the primary.
      expect(await thread(viaTolerant, '/routing', published.body.ownerToken)).toEqual(['Published Now']);

      const held = await post(preSite, { page: '/held', name: 'Waiting Author' });
      expect(held.body.comment.status).toBe('pending');
      const own = await request(viaTolerant).get(`/api/v1/sites/${preSite}/comments`).query({ page: '/held' })
        .set('X-Parley-Owner', held.body.ownerToken).expect(200);
      expect(own.body.comments.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual(['Waiting Author:pending']);
    } finally {
      await admin.query('SELECT pg_wal_replay_resume()');
    }
    // Once replayed, the replica serves it too.
    await until('the replica to show the comment', () => thread(viaTolerant, '/routing'), (names) => names.length === 1);
    expect(await count(viaTolerant, '/routing')).toBe(1);
  });

  test('a replica more than the allowed lag behind is set aside until it catches up', async () => {
    await admin.query('SELECT pg_wal_replay_pause()');
    try {
      await post(site, { page: '/lag', name: 'Written While Lagging' });
      await until('the replica to count as lagging', async () => (await strict.check()).status, (s) => s === 'lagging');
      expect(strict.state().lagMs === null || strict.state().lagMs! > 1500).toBe(true);
      // Reads went back to the primary: the new comment is there although the replica has not replayed it.
      expect(await thread(viaStrict, '/lag')).toEqual(['Written While Lagging']);
      expect(await count(viaStrict, '/lag')).toBe(1);
      const ready = await request(viaStrict).get('/readyz').expect(200);
      expect(ready.body).toEqual({ status: 'ready', database: 'ok', replica: 'lagging' });
    } finally {
      await admin.query('SELECT pg_wal_replay_resume()');
    }
    await until('the replica to catch up', async () => (await strict.check()).status, (s) => s === 'ok');
    expect(await thread(viaStrict, '/lag')).toEqual(['Written While Lagging']);
  });

  test('stopping the replica mid-way: every read still answers, from the primary, and the replica is used again once back', async () => {
    await post(site, { page: '/stop', name: 'Before The Stop' });
    await until('the replica to show it', () => thread(viaStrict, '/stop'), (n) => n.length === 1);
    const results: string[] = [];
    let stopped = false;
    const reads = (async () => {
      for (let i = 0; i < 40; i++) {
        const [names, n] = await Promise.all([thread(viaStrict, '/stop'), count(viaStrict, '/stop')]);
        results.push(`${names.join(',')}|${n}`);
        if (stopped && i > 25) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    replicaScript('stop');
    stopped = true;
    // Written while the replica is down: only the primary has it.
    await post(site, { page: '/stop', name: 'During The Stop' });
    await reads;
    expect(results.length).toBeGreaterThan(10);
    for (const r of results) expect(r).toMatch(/^Before The Stop(,During The Stop)?\|[12]$/);
    expect(await thread(viaStrict, '/stop')).toEqual(['Before The Stop', 'During The Stop']);
    await until('the replica to count as down', async () => (await strict.check()).status, (s) => s === 'down');
    expect((await request(viaStrict).get('/readyz').expect(200)).body.replica).toBe('down');

    replicaScript('start');
    await until('the replica to be used again', async () => [(await strict.check()).status, (await tolerant.check()).status], (s) => s.every((x) => x === 'ok'));
    await admin.query('SELECT pg_wal_replay_pause()');
    try {
      await post(site, { page: '/stop', name: 'After The Restart' });
      // Served by the (paused) replica again: the newest comment is not there yet.
      expect(await thread(viaTolerant, '/stop')).toEqual(['Before The Stop', 'During The Stop']);
    } finally {
      await admin.query('SELECT pg_wal_replay_resume()');
    }
  });
});
