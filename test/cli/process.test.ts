import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError } from '../../src/cli/cliIo';
import { lockEmbeddedDataDir, processesUsing } from '../../src/cli/embeddedDataDirGuard';
import { main } from '../../src/cli/main';
import { readMigrations } from '../../src/db/migrator';
import { schemaFromUrl } from '../../src/cli/openCliDatabase';
import { createTestDatabase } from '../helpers/testDb';

const BIN = path.resolve(__dirname, '../../bin/parley.js');
const tmpDirs: string[] = [];
const children: ChildProcess[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-'));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** `node bin/parley.js ...` as an operator runs it, with only the given environment. */
function parley(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** A process that keeps a file of `dir` open, as a running server keeps its PGlite files open. */
async function holdOpen(dir: string): Promise<ChildProcess> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'held');
  const child = spawn(process.execPath, ['-e', `require('fs').openSync(${JSON.stringify(file)}, 'w'); console.log('ready'); setInterval(() => {}, 1000);`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  return child;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('main() without a database', () => {
  test('help prints the commands and exits 0', async () => {
    const c = capture();
    expect(await main(['help'], c.io, {})).toBe(0);
    expect(c.out.join('\n')).toMatch(/site create\|list\|update[\s\S]*moderator create\|list\|revoke\|key[\s\S]*migrate/);
    const site = capture();
    expect(await main(['help', 'site'], site.io, {})).toBe(0);
    expect(site.out.join('\n')).toContain('parley site update <id>');
  });

  test('an unknown command exits 64 before opening any database', async () => {
    const dataDir = path.join(tmpDir(), 'data');
    const c = capture();
    expect(await main(['sitez', 'list'], c.io, { DATA_DIR: dataDir })).toBe(64);
    expect(c.err.join('\n')).toContain('Unknown command "sitez"');
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  test('a bad setting exits 1 naming the variable', async () => {
    const c = capture();
    expect(await main(['site', 'list'], c.io, { DATABASE_POOL_SIZE: 'lots' })).toBe(1);
    expect(c.err.join('\n')).toMatch(/Invalid configuration:[\s\S]*DATABASE_POOL_SIZE/);
  });

  test('an unreachable database exits 1 with a readable message', async () => {
    const c = capture();
    const code = await main(['site', 'list'], c.io, {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none',
      DATABASE_CONNECT_TIMEOUT_MS: '500',
    });
    expect(code).toBe(1);
    expect(c.err.join('\n')).toMatch(/Could not connect to the database/);
  });
});

describe('the schema in DATABASE_URL', () => {
  test.each([
    ['postgresql://u@h/db?schema=tenant', 'postgresql://u@h/db', 'tenant'],
    ['postgresql://u@h/db?options=-c%20search_path%3Dt_1', 'postgresql://u@h/db', 't_1'],
    ['postgresql://u@h/db?sslmode=disable', 'postgresql://u@h/db?sslmode=disable', undefined],
  ])('%s', (url, rest, schema) => {
    expect(schemaFromUrl(url)).toEqual(schema ? { url: rest, schema } : { url: rest });
  });
});

describe('the embedded database is never opened by two processes', () => {
  test('a process holding the data folder open is found, and the lock is refused naming it', async () => {
    const dataDir = tmpDir();
    const holder = await holdOpen(path.join(dataDir, 'pgdata'));
    if (!fs.existsSync('/proc/self/fd')) return; // the /proc check is Linux-only
    expect(processesUsing(path.join(dataDir, 'pgdata'))).toEqual([holder.pid]);
    expect(() => lockEmbeddedDataDir(dataDir)).toThrow(CliError);
    expect(() => lockEmbeddedDataDir(dataDir)).toThrow(new RegExp(`in use by another process \\(pid ${holder.pid}\\)`));
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    const lock = lockEmbeddedDataDir(dataDir);
    lock.release();
  });

  test('two CLI commands exclude each other through the lock file; a stale lock is taken over', () => {
    const dataDir = tmpDir();
    const first = lockEmbeddedDataDir(dataDir);
    // Another live process's lock: our parent's pid stands in for a second parley command.
    fs.writeFileSync(path.join(dataDir, 'cli.lock'), String(process.ppid));
    expect(() => lockEmbeddedDataDir(dataDir)).toThrow(/in use by another process/);
    // A lock whose process is gone does not block.
    fs.writeFileSync(path.join(dataDir, 'cli.lock'), '2147483646');
    const second = lockEmbeddedDataDir(dataDir);
    second.release();
    first.release();
    expect(fs.existsSync(path.join(dataDir, 'cli.lock'))).toBe(false);
  });

  test('bin/parley.js refuses, with a clear message, while a server holds the embedded database', async () => {
    if (!fs.existsSync('/proc/self/fd')) return;
    const dataDir = tmpDir();
    const holder = await holdOpen(path.join(dataDir, 'pgdata'));
    const run = parley(['site', 'list'], { DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    expect(run.err).toContain(`The embedded database in ${dataDir} is in use by another process (pid ${holder.pid})`);
    expect(run.err).toContain('Stop the server');
    expect(run.out).toBe('');
    expect(fs.existsSync(path.join(dataDir, 'cli.lock'))).toBe(false);
  });
});

describe('bin/parley.js as a child process', () => {
  const serverUrl = process.env.TEST_DATABASE_URL;
  (serverUrl ? test : test.skip)('against the server database (TEST_DATABASE_URL, schema in the URL)', async () => {
    const db = await createTestDatabase({ poolSize: 1 });
    try {
      const env = { DATABASE_URL: db.url };
      const created = parley(['site', 'create', 'spawned', '--name', 'Spawned', '--origin', 'https://spawned.example'], env);
      expect(created).toMatchObject({ code: 0, err: '' });
      expect(created.out).toContain('Created site "spawned"');
      // It went into this test's schema, not public.
      expect(await db.prisma.site.findUnique({ where: { id: 'spawned' } })).toMatchObject({ name: 'Spawned' });

      const mod = parley(['moderator', 'create', '--name', 'Kid', '--email', 'kid@spawned.example', '--site', 'spawned'], env);
      expect(mod.code).toBe(0);
      expect(mod.out).toMatch(/pk_[A-Za-z0-9_-]{43}/);
      expect(mod.out + mod.err).not.toContain('kid@spawned.example');

      const listed = parley(['moderator', 'list'], env);
      expect(listed.out).toMatch(/Kid\s+active\s+1\s+-\s+spawned/);
      expect(listed.out).not.toContain('@');

      const migrated = parley(['migrate'], env);
      expect(migrated).toMatchObject({ code: 0 });
      expect(migrated.out).toMatch(/Database is up to date/);

      const failed = parley(['site', 'update', 'spawned', '--settings', '{"maxLinks": "many"}'], env);
      expect(failed.code).toBe(1);
      expect(failed.err).toMatch(/maxLinks/);
      const usage = parley(['site', 'create'], env);
      expect(usage.code).toBe(64);
    } finally {
      await db.close();
    }
  });

  test('in embedded mode on a fresh data folder: creates the database, then sees what it wrote', () => {
    const dataDir = path.join(tmpDir(), 'data');
    const created = parley(['site', 'create', 'local', '--name', 'Local'], { DATA_DIR: dataDir });
    expect(created.code).toBe(0);
    expect(created.out).toContain('Created site "local"');
    expect(created.err).toContain(`applied ${readMigrations().length} pending migration`);
    const listed = parley(['site', 'list'], { DATA_DIR: dataDir });
    expect(listed).toMatchObject({ code: 0, err: '' });
    expect(listed.out).toMatch(/^local\s+Local\s+pre/m);
    expect(fs.existsSync(path.join(dataDir, 'cli.lock'))).toBe(false);
  }, 120_000);
});
