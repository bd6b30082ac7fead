/**
 * Makes the embedded database's starting point: a new PGlite data directory (initdb, with the settings of
 * src/db/embeddedPostgres.ts), packed as assets/embedded/pgdata-pglite-<version>.tar.gz.
 * A first `npm start` unpacks it instead of running PGlite's initdb, which briefly needs ~600 MB.
 * Run again after upgrading @electric-sql/pglite (the file name carries its version; without a matching
 * file, Parley falls back to initdb in a short-lived child process):
 *   npx tsx scripts/makeEmbeddedTemplate.ts
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { embeddedStartParams, EMBEDDED_PG_SETTINGS, embeddedTemplateFile } from '../src/db/embeddedPostgres';

async function main() {
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-pgdata-template-'));
  const initDbStartParams = Object.entries(EMBEDDED_PG_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const db = await PGlite.create({ dataDir: dir, startParams: await embeddedStartParams(), initDbStartParams });
  await db.exec('CHECKPOINT');
  await db.close();
  const out = embeddedTemplateFile();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tar = spawnSync('tar', ['-czf', out, '--owner=0', '--group=0', '--numeric-owner', '-C', dir, '.'], { stdio: 'inherit' });
  fs.rmSync(dir, { recursive: true, force: true });
  if (tar.status !== 0) throw new Error('tar failed');
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)} (${Math.round(fs.statSync(out).size / 1024)} KB)\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
