import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { MAINTENANCE_INTERVAL_MS } from '../../src/db/embeddedMaintenance';
import { delay, openEmbeddedDataDir, postComment, startParley, stopParley, type ParleyProcess } from './parleyProcess';

/**
 * `npm start` with no database: the process analyzes its embedded tables as they fill (PGlite has no
 * autovacuum; src/db/embeddedMaintenance.ts), so the statistics its statements are planned with follow the
 * data, and they are still there after a restart.
 */
jest.setTimeout(120_000);
const COMMENTS = 200;
const LANES = 8;

let parley: ParleyProcess | null = null;
let dataDir: string | null = null;
afterAll(async () => {
  if (parley) await stopParley(parley);
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a new embedded site\'s comments table is analyzed once comments arrive', async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-maintained-'));
  parley = await startParley({ dataDir, env: { DEMO_SITE: 'true', LOG_LEVEL: 'debug' } });
  const p = parley;
  let next = 0;
  let created = 0;
  const lane = async () => {
    while (next < COMMENTS) {
      const n = next++;
      const res = await postComment(p.url, 'demo', { page: `/filled/${n % 5}`, name: `Reader ${n}`, email: `reader${n}@example.org`, body: `Comment ${n} of the filling site.` }, `10.7.${n >> 8}.${n & 255}`);
      if (res.status === 201) created++;
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  expect(created).toBe(COMMENTS);

  // Within two passes, the log says the comments table was analyzed.
  const analyzed = () => p.output.some((line) => line.includes('embedded database maintained') && /"table":"Comment","analyze":true/.test(line));
  for (const stop = Date.now() + 2 * MAINTENANCE_INTERVAL_MS + 5_000; !analyzed() && Date.now() < stop; ) await delay(250);
  expect(analyzed()).toBe(true);
  await stopParley(p);
  parley = null;

  // The statistics are the database's own: a restart (and its planner) finds them.
  const reopened = await openEmbeddedDataDir(path.join(dataDir, 'pgdata'));
  const pool = new Pool({ connectionString: reopened.url, max: 1 });
  try {
    const { rows } = await pool.query(`SELECT reltuples::int AS rows FROM pg_class WHERE relname = 'Comment' AND relkind = 'r'`);
    expect(rows[0].rows).toBeGreaterThanOrEqual(COMMENTS);
  } finally {
    await pool.end();
    await reopened.stop();
  }
});
