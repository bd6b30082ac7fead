/**
 * `npm run bench`: Parley under load, against the real Postgres server, over loopback.
 *
 * Creates a fresh database (BENCH_DB, default parley_bench), starts Parley as a child process on it,
 * seeds with set-based SQL, then drives it with autocannon at 32 connections: read, read with
 * If-None-Match, counts, the moderation queue, write, moderate; then grows the table to 1M rows and
 * repeats the read and queue workloads (scale), with EXPLAIN plans of the hot queries. A minimal
 * node:http + pg server answering the same read with the same JSON is the baseline.
 * Prints a table and writes bench/results/<timestamp>.json.
 *
 * Settings (environment): BENCH_ADMIN_URL (postgresql://postgres@127.0.0.1:5432/postgres),
 * BENCH_DB (parley_bench), BENCH_SECONDS (5 per workload), BENCH_CONNECTIONS (32),
 * BENCH_SCALE_ROWS (1000000), BENCH_WORKER (false), BENCH_LOG_LEVEL (warn),
 * BENCH_NODE_FLAGS (extra node flags for Parley), BENCH_CPU_PROF=dir (write a V8 CPU profile of the
 * Parley process there), BENCH_KEEP_DB=1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Pool } from 'pg';
import { runLoad, type LoadRequest, type LoadResult } from './load';
import { commentCount, explainHotQueries, growComments, pendingIds, READ_COMMENTS, READ_PAGE, seedBase, SITE } from './seed';

const ROOT = path.resolve(__dirname, '..');
const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const DB_NAME = process.env.BENCH_DB ?? 'parley_bench';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SCALE_ROWS = Number(process.env.BENCH_SCALE_ROWS ?? 1_000_000);
const SMALL_ROWS = 10_000;
const WORKER = process.env.BENCH_WORKER ?? 'false';
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
/** Extra Node flags for the Parley process (e.g. V8 memory settings), space-separated. */
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

const TARGETS = {
  readVsBaseline: 0.7,
  readP99Ms: 25,
  writeP99Ms: 50,
  writeRps: 1000,
  peakRssMb: 150,
  scaleRatio: 1.3,
};

interface Row { workload: string; rows?: number; result: LoadResult; note?: string; rssMb?: { hwm: number; rss: number } }

function dbUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function freshDatabase(): Promise<void> {
  const admin = new Pool({ connectionString: ADMIN_URL, max: 1 });
  await admin.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${DB_NAME}"`);
  await admin.end();
}

async function dropDatabase(): Promise<void> {
  const admin = new Pool({ connectionString: ADMIN_URL, max: 1 });
  await admin.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`).catch(() => {});
  await admin.end();
}

interface Child { proc: ChildProcess; url: string; exited: Promise<number | null> }

/**
 * Parley runs as built for production (tsc output in dist/), not through a TypeScript loader.
 * A type error elsewhere in the tree still emits JavaScript; the bench goes on with it and says so.
 */
function build(log: (m: string) => void): void {
  const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (!fs.existsSync(path.join(ROOT, 'src/generated/prisma/client.ts'))) {
    log('generating the Prisma client');
    const gen = run('npm', ['run', 'prisma:generate']);
    if (gen.status !== 0) throw new Error(`prisma generate failed:\n${gen.stderr}`);
  }
  log('building the server (tsc -p tsconfig.build.json)');
  const tsc = run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  if (!fs.existsSync(path.join(ROOT, SERVER_JS))) throw new Error(`build failed:\n${tsc.stderr}`);
  if (tsc.status !== 0) log('warning: tsc reported type errors; benchmarking the emitted JavaScript anyway');
}
const SERVER_JS = 'dist/src/server.js';

/** Spawns a Node process running `script` and waits for the line that carries its port. */
function spawnNode(script: string, env: Record<string, string>, portLine: RegExp, extraArgs: string[] = []): Promise<Child> {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const proc = spawn(process.execPath, [...extraArgs, ...loader, script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const errLines: string[] = [];
  readline.createInterface({ input: proc.stderr! }).on('line', (l) => errLines.push(l));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 60 s:\n${errLines.join('\n')}`)), 60_000);
    void exited.then((code) => reject(new Error(`${script} exited with ${code}:\n${errLines.join('\n')}`)));
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = portLine.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: `http://127.0.0.1:${m[1]}`, exited });
      }
    });
  });
}

function startParley(): Promise<Child> {
  const prof = process.env.BENCH_CPU_PROF;
  return spawnNode(
    SERVER_JS,
    {
      DATABASE_URL: dbUrl(DB_NAME),
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      WORKER_ENABLED: WORKER,
      TRUST_PROXY: '1',
      LOG_LEVEL: LOG_LEVEL,
      DEMO_SITE: 'false',
      SECRET_KEY: 'bench-secret-key-0123456789abcdef-0123456789',
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-')),
    },
    /Parley is running at http:\/\/[^:]+:(\d+)/,
    [...NODE_FLAGS, ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [])],
  );
}

function startBaseline(): Promise<Child> {
  return spawnNode('bench/baselineServer.ts', { DATABASE_URL: dbUrl(DB_NAME), PORT: '0' }, /^listening (\d+)/);
}

async function stopChild(child: Child): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  child.proc.kill('SIGTERM');
  const code = await Promise.race([child.exited, new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
  if (code === null && child.proc.exitCode === null) child.proc.kill('SIGKILL');
  return { code, ms: Date.now() - started };
}

function memoryMb(pid: number): { hwm: number; rss: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { hwm: Math.round(kb('VmHWM') / 1024), rss: Math.round(kb('VmRSS') / 1024) };
}

const readPath = `/api/v1/sites/${SITE}/comments?page=${encodeURIComponent(READ_PAGE)}&limit=200`;
const queuePath = `/api/v1/moderation/comments?status=pending&site=${SITE}&limit=50`;

async function main() {
  const t0 = Date.now();
  const log = (msg: string) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);
  const rows: Row[] = [];
  let parleyPid = 0;
  // Parley's memory after each of its workloads (VmRSS now, VmHWM so far), to see which one grows it.
  const record = (row: Row) => rows.push(parleyPid && !row.workload.startsWith('baseline') ? { ...row, rssMb: memoryMb(parleyPid) } : row);
  const extra: Record<string, unknown> = {};
  const load = (base: string, o: { headers?: Record<string, string>; requests?: LoadRequest[]; seconds?: number }) =>
    runLoad({ url: base, connections: CONNECTIONS, seconds: o.seconds ?? SECONDS, headers: o.headers, requests: o.requests });

  const loadBefore = os.loadavg();
  build(log);
  log(`fresh database ${DB_NAME}`);
  await freshDatabase();
  const parley = await startParley(); // runs the migrations
  const children: Child[] = [];
  const pid = parley.proc.pid!;
  parleyPid = pid;
  const pool = new Pool({ connectionString: dbUrl(DB_NAME), max: 2 });
  try {
    const { apiKey } = await seedBase(pool);
    await growComments(pool, SMALL_ROWS);
    const auth = { Authorization: `Bearer ${apiKey}` };
    log(`seeded ${await commentCount(pool)} comments; Parley pid ${pid} at ${parley.url}`);

    // Sanity: the thread has 200 comments, and is compressed when the client accepts it.
    const plain = await fetch(parley.url + readPath, { headers: { 'Accept-Encoding': 'identity' } });
    const plainBody = await plain.text();
    const parsed = JSON.parse(plainBody) as { total: number };
    if (plain.status !== 200 || parsed.total !== READ_COMMENTS) throw new Error(`read sanity check failed: ${plain.status} ${plainBody.slice(0, 200)}`);
    const etag = plain.headers.get('etag');
    extra.rssAtStartMb = memoryMb(pid);
    const gz = await rawGet(parley.url + readPath, { 'Accept-Encoding': 'gzip, deflate, br' });
    extra.read = {
      jsonBytes: Buffer.byteLength(plainBody),
      compressedBytes: gz.bytes,
      contentEncoding: gz.encoding,
      etag,
      cacheControl: plain.headers.get('cache-control'),
    };

    // Baseline first, alone on the machine, then stopped so it takes no CPU from Parley's runs.
    log('baseline: minimal node:http + pg server');
    const baseline = await startBaseline();
    const baseBody = await (await fetch(baseline.url + readPath)).text();
    extra.baselineSameJson = baseBody === plainBody;
    await load(baseline.url + readPath, { seconds: 2 });
    const base = await load(baseline.url + readPath, {});
    record({ workload: 'baseline read (node:http + pg)', rows: SMALL_ROWS, result: base, note: extra.baselineSameJson ? 'same JSON' : 'JSON differs' });
    await stopChild(baseline);

    log('read');
    await load(parley.url + readPath, { seconds: 2, headers: { 'Accept-Encoding': 'identity' } });
    const read = await load(parley.url + readPath, { headers: { 'Accept-Encoding': 'identity' } });
    record({ workload: 'read (identity)', rows: SMALL_ROWS, result: read });
    const readGzip = await load(parley.url + readPath, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    record({ workload: 'read (gzip accepted)', rows: SMALL_ROWS, result: readGzip, note: `${gz.encoding ?? 'none'} ${gz.bytes} B body` });
    const read304 = await load(parley.url + readPath, { headers: { 'If-None-Match': etag ?? '', 'Accept-Encoding': 'gzip' } });
    record({ workload: 'read If-None-Match (304)', rows: SMALL_ROWS, result: read304 });
    const readPersonal = await load(parley.url + readPath, { headers: { 'X-Parley-Owner': 'benchownertoken0000000000000000', 'Accept-Encoding': 'identity' } });
    record({ workload: 'read with owner token (uncached)', rows: SMALL_ROWS, result: readPersonal });
    extra.rssAfterReadMb = memoryMb(pid);

    log('counts');
    const countsPath = `/api/v1/sites/${SITE}/counts?` + Array.from({ length: 50 }, (_, i) => `page=${encodeURIComponent(`/p/${i + 1}`)}`).join('&');
    record({ workload: 'counts (50 pages)', rows: SMALL_ROWS, result: await load(parley.url + countsPath, {}) });

    log('moderation queue');
    const queueSmall = await load(parley.url + queuePath, { headers: auth });
    record({ workload: 'moderation queue (50 pending)', rows: SMALL_ROWS, result: queueSmall });
    const plansSmall = await explainHotQueries(pool);

    log('write');
    const write = await runWrite(parley.url, 2);
    const writeRun = await runWrite(parley.url, SECONDS);
    record({ workload: 'write (distinct comments, many IPs)', result: writeRun.result, note: `${writeRun.created} created` });
    void write;

    log('moderate');
    const ids = await pendingIds(pool, 50_000);
    let next = 0;
    const moderate = await load(parley.url, {
      headers: auth,
      requests: [
        { method: 'GET', path: `/api/v1/moderation/comments?status=pending&site=${SITE}&limit=20` },
        {
          method: 'POST',
          setupRequest: (req) => ({ ...req, path: `/api/v1/moderation/comments/${ids[next++ % ids.length]}/approve` }),
        },
      ],
    });
    record({ workload: 'moderate (list + approve, alternating)', result: moderate, note: `${Math.round(moderate.rps / 2)} approvals/s` });

    log(`growing to ${SCALE_ROWS} comments (set-based SQL)`);
    const growStart = Date.now();
    await growComments(pool, SCALE_ROWS);
    extra.seedMillionSeconds = Math.round((Date.now() - growStart) / 1000);
    // Let the million-row insert's checkpoint finish now, not during the measurements.
    await pool.query('CHECKPOINT');
    extra.autovacuumWaitSeconds = await waitForAutovacuum(pool);
    const bigRows = await commentCount(pool);
    // The 10k figures come from a freshly started, warmed-up process; so do these, from a fresh Parley on the
    // grown database. (The first process, idle through the seeding, ran ~30% slower for a while afterwards
    // whatever the row count; a fresh process on the 1M database matched its 10k figures.)
    const firstMemory = memoryMb(pid);
    const firstStop = await stopChild(parley);
    const scaled = await startParley();
    children.push(scaled);
    parleyPid = scaled.proc.pid!;
    log(`${bigRows} comments; scale runs on a fresh Parley (pid ${parleyPid})`);
    await load(scaled.url + readPath, { seconds: 2, headers: { 'Accept-Encoding': 'identity' } });
    const readBig = await load(scaled.url + readPath, { headers: { 'Accept-Encoding': 'identity' } });
    record({ workload: 'read (identity)', rows: bigRows, result: readBig });
    const personalBig = await load(scaled.url + readPath, { headers: { 'X-Parley-Owner': 'benchownertoken0000000000000000', 'Accept-Encoding': 'identity' } });
    record({ workload: 'read with owner token (uncached)', rows: bigRows, result: personalBig });
    const queueBig = await load(scaled.url + queuePath, { headers: auth });
    record({ workload: 'moderation queue (50 pending)', rows: bigRows, result: queueBig });
    const plansBig = await explainHotQueries(pool);

    const secondMemory = memoryMb(parleyPid);
    const memory = { hwm: Math.max(firstMemory.hwm, secondMemory.hwm), rss: secondMemory.rss };
    const stopped = await stopChild(scaled);
    extra.firstProcessStop = firstStop;
    log(`Parley stopped with ${stopped.code} in ${stopped.ms} ms`);

    const scale = {
      read: ratio(read.rps, readBig.rps),
      readUncached: ratio(readPersonal.rps, personalBig.rps),
      moderationQueue: ratio(queueSmall.rps, queueBig.rps),
    };
    const readVsBaseline = Math.round((read.rps / base.rps) * 100) / 100;
    const targets = {
      readVsBaseline: { value: readVsBaseline, target: `>= ${TARGETS.readVsBaseline}`, met: readVsBaseline >= TARGETS.readVsBaseline },
      readP99Ms: { value: read.p99, target: `< ${TARGETS.readP99Ms}`, met: read.p99 < TARGETS.readP99Ms },
      writeP99Ms: { value: writeRun.result.p99, target: `< ${TARGETS.writeP99Ms}`, met: writeRun.result.p99 < TARGETS.writeP99Ms },
      writeRps: { value: writeRun.result.rps, target: `>= ${TARGETS.writeRps}`, met: writeRun.result.rps >= TARGETS.writeRps },
      peakRssMb: { value: memory.hwm, target: `< ${TARGETS.peakRssMb}`, met: memory.hwm < TARGETS.peakRssMb },
      compression: { value: gz.encoding ?? 'none', target: 'gzip/br when accepted', met: gz.encoding === 'gzip' || gz.encoding === 'br' },
      etag304: { value: read304.statusCodes['304'] ?? 0, target: 'all 304', met: (read304.statusCodes['304'] ?? 0) === read304.requests && read304.requests > 0 },
      scaleRatio: {
        value: Math.max(scale.read, scale.readUncached, scale.moderationQueue),
        target: `<= ${TARGETS.scaleRatio}`,
        met: Math.max(scale.read, scale.readUncached, scale.moderationQueue) <= TARGETS.scaleRatio,
      },
      sigtermExit: { value: `${stopped.code} in ${stopped.ms} ms`, target: 'exit 0', met: stopped.code === 0 },
    };

    const results = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      postgres: (await pool.query<{ v: string }>('SHOW server_version')).rows[0].v,
      settings: { connections: CONNECTIONS, secondsPerWorkload: SECONDS, worker: WORKER, logLevel: LOG_LEVEL, runner: `node ${[...NODE_FLAGS, SERVER_JS].join(' ')} (NODE_ENV=production)` },
      // Other work on the machine skews every figure: the 1-minute load average before and after the run.
      loadAverage: { before: loadBefore.map((l) => Math.round(l * 10) / 10), after: os.loadavg().map((l) => Math.round(l * 10) / 10) },
      workloads: rows.map((r) => ({ workload: r.workload, rows: r.rows, note: r.note, rssMb: r.rssMb, ...r.result })),
      scale,
      memoryMb: { ...memory, afterRead: extra.rssAfterReadMb },
      targets,
      details: extra,
      explain: { [`${SMALL_ROWS}`]: plansSmall, [`${bigRows}`]: plansBig },
      totalSeconds: Math.round((Date.now() - t0) / 1000),
    };
    const dir = path.join(ROOT, 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${results.date.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
    printTable(rows, targets, scale, memory, file, results.totalSeconds);
    process.stdout.write(`load average before ${results.loadAverage.before[0]}, after ${results.loadAverage.after[0]} (2 cores; anything above ~2 means other work competed)\n`);
  } finally {
    await pool.end().catch(() => {});
    for (const child of [parley, ...children]) if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
    if (!process.env.BENCH_KEEP_DB) await dropDatabase();
  }

  /** POSTs distinct comments from many simulated client addresses (X-Forwarded-For, TRUST_PROXY=1). */
  async function runWrite(base: string, seconds: number): Promise<{ result: LoadResult; created: number }> {
    const start = await commentCount(pool);
    const result = await runLoad({
      url: base,
      connections: CONNECTIONS,
      seconds,
      requests: [
        {
          method: 'POST',
          path: `/api/v1/sites/${SITE}/comments`,
          headers: { 'Content-Type': 'application/json' },
          setupRequest: (req) => {
            const n = ++writeCounter;
            return {
              ...req,
              headers: { ...req.headers, 'X-Forwarded-For': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
              body: JSON.stringify({
                page: `/w/${n % 500}`,
                pageUrl: `https://news.example/w/${n % 500}`,
                pageTitle: `Write target ${n % 500}`,
                name: `Writer ${n}`,
                email: `writer${n}@example.org`,
                body: `Comment number ${n} from the write workload. The figures in the second paragraph deserve a second look.`,
              }),
            };
          },
        },
      ],
    });
    return { result, created: (await commentCount(pool)) - start };
  }
}

let writeCounter = 0;

/** Waits (up to 90 s) until no autovacuum worker runs, so background work after the big insert does not skew the scale runs. */
async function waitForAutovacuum(pool: Pool): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < 90_000) {
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'autovacuum:%'`);
    if (rows[0].n === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return Math.round((Date.now() - started) / 1000);
}

function ratio(small: number, big: number): number {
  return Math.round((small / Math.max(1, big)) * 100) / 100;
}

/** One GET with an Accept-Encoding of our choice (fetch would decode it): the encoding and body size on the wire. */
async function rawGet(url: string, headers: Record<string, string>): Promise<{ encoding: string | null; bytes: number }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ encoding: (res.headers['content-encoding'] as string | undefined) ?? null, bytes }));
    }).on('error', reject);
  });
}

function printTable(
  rows: Row[],
  targets: Record<string, { value: unknown; target: string; met: boolean }>,
  scale: Record<string, number>,
  memory: { hwm: number; rss: number },
  file: string,
  seconds: number,
) {
  const head = ['workload', 'comments', 'req/s', 'p50 ms', 'p99 ms', 'B/resp', 'non-2xx', 'RSS MB', 'note'];
  const body = rows.map((r) => [
    r.workload,
    r.rows ? r.rows.toLocaleString('en') : '',
    String(r.result.rps),
    String(r.result.p50),
    String(r.result.p99),
    String(r.result.bytesPerResponse),
    String(r.result.non2xx + r.result.errors + r.result.timeouts),
    r.rssMb ? String(r.rssMb.rss) : '',
    r.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 || i === 8 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  const out = [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(line)];
  out.push('');
  out.push(`peak RSS (VmHWM) ${memory.hwm} MB; scale ratios (10k/1M req/s): ${Object.entries(scale).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push('');
  for (const [name, t] of Object.entries(targets)) out.push(`${t.met ? 'MET    ' : 'NOT MET'}  ${name}: ${String(t.value)} (target ${t.target})`);
  out.push('', `results: ${path.relative(ROOT, file)}  (${seconds} s)`);
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
