import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb';
import { deadline, delay, hostPort, httpRequest, openEmbeddedDataDir, SECRET_KEY, startParley, withPort, type ParleyProcess } from './parleyProcess';

/**
 * Start-up and shutdown as an operator meets them:
 * - /healthz and /readyz never say 200 before start-up has finished (the demo site exists by then);
 *   METRICS_PORT serves /metrics on its own port while the main port does not;
 * - SIGTERM ends the process within a bounded time even when nobody reads its output any more, when the
 *   database stops answering, and when it runs `npm start`-style (npm -> sh -> node) in a process group
 *   that gets SIGTERM while its parent exits; after that the embedded data directory opens again.
 */
jest.setTimeout(120_000);
const ROOT = path.resolve(__dirname, '../..');
/** Every shutdown step is bounded (8 + 8 + 5 s) and a backstop exits at 29 s; this leaves margin for a busy machine. */
const EXIT_BOUND_MS = 45_000;

let db: TestDatabase;
const started: ParleyProcess[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const p of started) p.kill('SIGKILL');
  await db?.close();
});

async function parley(env: Record<string, string> = {}) {
  const p = await startParley({ db, env });
  started.push(p);
  return p;
}

test('health and readiness stay 503 until the demo site exists; METRICS_PORT serves /metrics apart', async () => {
  const port = 4520 + (process.pid % 20);
  const metricsPort = port + 40;
  const seen: string[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const r = await httpRequest(`http://127.0.0.1:${port}/readyz`, { timeoutMs: 2000 }).catch(() => null);
      if (r) {
        // A 200 may only come once start-up has finished: by then the demo site and its moderator exist.
        if (r.status === 200) seen.push(`200 demo=${await db.prisma.site.count({ where: { id: 'demo' } })}`);
        else seen.push(`${r.status} ${JSON.parse(r.body).status}`);
      }
      await delay(5);
    }
  })();
  const p = await parley({ PORT: String(port), DEMO_SITE: 'true', METRICS_PORT: String(metricsPort) });
  await httpRequest(`${p.url}/readyz`).then((r) => expect(r.status).toBe(200));
  polling = false;
  await poller;
  expect(seen.length).toBeGreaterThan(0);
  for (const s of seen) expect(s).toMatch(/^(200 demo=1|503 starting)$/);

  const metrics = await httpRequest(`http://127.0.0.1:${metricsPort}/metrics`);
  expect(metrics.status).toBe(200);
  expect(metrics.body).toMatch(/parley_http_request_duration_seconds/);
  expect((await httpRequest(`http://127.0.0.1:${metricsPort}/api/v1/openapi.json`)).status).toBe(404);
  expect((await httpRequest(`${p.url}/metrics`)).status).toBe(404);

  p.kill('SIGTERM');
  expect(await Promise.race([p.exited, deadline(EXIT_BOUND_MS)])).toEqual({ code: 0, signal: null });
});

test('SIGTERM ends the process when nobody reads its output any more (closed pipes)', async () => {
  const p = await parley({ WORKER_ENABLED: 'true', WORKER_POLL_MS: '50', LOG_LEVEL: 'debug' });
  // The reader of stdout and stderr goes away: every later write, logs included, meets a closed pipe.
  p.proc.stdout!.destroy();
  p.proc.stderr!.destroy();
  await delay(200);
  for (let i = 0; i < 5; i++) await httpRequest(`${p.url}/healthz`); // request logs written into the closed pipe
  p.kill('SIGTERM');
  const exit = await Promise.race([p.exited, deadline(EXIT_BOUND_MS)]);
  expect(exit).not.toBeNull();
  expect(exit!.signal).toBeNull(); // it exited by itself, not killed by SIGPIPE
});

test('SIGTERM ends the process when the database stops answering (connections open, no replies)', async () => {
  const target = hostPort(db.mode === 'server' ? process.env.TEST_DATABASE_URL! : db.url);
  const proxy = await startFreezableProxy(target);
  const url = withPort(db.mode === 'server' ? process.env.TEST_DATABASE_URL! : db.url, proxy.port);
  const p = await parley({ DATABASE_URL: url, WORKER_ENABLED: 'true', WORKER_POLL_MS: '50' });
  expect((await httpRequest(`${p.url}/readyz`)).status).toBe(200);
  proxy.freeze();
  // Requests now hang on the database; one is in flight when SIGTERM arrives.
  const hanging = httpRequest(`${p.url}/api/v1/sites/nosuch/comments?page=/x`, { timeoutMs: EXIT_BOUND_MS }).catch((e: Error) => e.message);
  await delay(500);
  p.kill('SIGTERM');
  const exit = await Promise.race([p.exited, deadline(EXIT_BOUND_MS)]);
  expect(exit).not.toBeNull();
  expect(exit!.signal).toBeNull();
  await hanging;
  proxy.close();
});

test('npm-start style (npm -> sh -> node, piped output) in a process group SIGTERMed while its parent exits', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-npmstart-'));
  const env = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1',
    LOG_LEVEL: 'info', SECRET_KEY, DATA_DIR: dataDir, WORKER_ENABLED: 'true', WORKER_POLL_MS: '50', npm_config_update_notifier: 'false',
  };
  const parent = spawn(process.execPath, [path.join(__dirname, 'npmStartParent.cjs')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    parent.once('exit', (code) => reject(new Error(`parent exited with ${code} before Parley started`)));
    readline.createInterface({ input: parent.stdout! }).once('line', resolve);
  });
  const { pid, error } = JSON.parse(line) as { pid: number; error?: string };
  if (!pid) throw new Error(error);
  const gone = await waitUntilGone(pid, EXIT_BOUND_MS);
  if (!gone) process.kill(pid, 'SIGKILL');
  expect(gone).toBe(true);
  // The next start can open the embedded data directory it left.
  const reopened = await openEmbeddedDataDir(path.join(dataDir, 'pgdata'));
  try {
    const client = new Client({ connectionString: reopened.url });
    await client.connect();
    // Made from the small-server template (or initdb with the same settings), with Parley's tables in it.
    expect((await client.query('SHOW shared_buffers')).rows[0].shared_buffers).toBe('16MB');
    expect((await client.query(`SELECT count(*)::int AS n FROM "Site" WHERE "id" = 'demo'`)).rows[0].n).toBe(1);
    await client.end();
  } finally {
    await reopened.stop();
  }
});

async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await delay(100);
  }
  return false;
}

/** A TCP proxy whose `freeze()` keeps every connection open but stops passing bytes: a database that hangs. */
async function startFreezableProxy(target: { host: string; port: number }) {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(from);
      from.on('data', (chunk) => {
        if (!frozen) to.write(chunk);
      });
      from.on('error', () => {});
      from.on('close', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => { frozen = true; },
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
