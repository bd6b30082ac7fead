/**
 * Bench section "embedded": `npm start` with no database configured, as a small site runs Parley
 * (the embedded PGlite Postgres in DATA_DIR, the notification worker on, the demo site created).
 * Figures, for the Parley process and any process it starts (summed while they run):
 *   start-up peak   highest resident memory from spawn until "Parley is running" (first start: a new DATA_DIR;
 *                   then a restart on the same DATA_DIR)
 *   idle            resident memory 10 s after start-up, no requests
 *   writes/s        POSTs of new comments to the pre-moderated demo site from 8 concurrent writers, after the
 *                   same warm-up as server mode's writes (its rate is its own row)
 *   cached reads/s  a 200-comment thread, from 1 client and from `connections` clients; beside the same
 *                   read of the running server-mode Parley when the bench has one
 *   disk            DATA_DIR size per 1,000 comments stored
 * Run by bench/run.ts (`npm run bench -- --only embedded`), or alone: `npx tsx bench/embedded.ts [--seconds N]`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { runLoad, WRITE_WARM_UP_SECONDS, type LoadRequest } from './load';
import { build, memoryMb, ROOT, SERVER_JS, stopChild, type Child } from './processes';
import type { BenchApi } from './run';

const TARGETS = { startPeakMb: 256, idleMb: 150, writesPerSecond: 200 };
const READ_PAGE = '/embedded/read';
const WRITERS = 8;

export async function run(api: BenchApi): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-embedded-bench-'));
  try {
    const first = await startEmbedded(dataDir, api.log);
    api.details.firstStart = { peakMb: first.startPeakMb, processes: first.processes, seconds: first.startSeconds };
    api.figure('embedded, start-up peak (first start, new DATA_DIR)', `${first.startPeakMb} MB in ${first.startSeconds} s`, `< ${TARGETS.startPeakMb} MB`, first.startPeakMb < TARGETS.startPeakMb);
    const idle = await idleRss(first, api.log);
    api.details.idleMb = idle;
    api.figure('embedded, idle RSS', `${idle} MB`, `< ${TARGETS.idleMb} MB`, idle < TARGETS.idleMb);

    const base = first.child.url;
    const key = first.apiKey;
    if (!key) throw new Error('the embedded start did not print the demo moderator key');
    await patchSettings(base, key, { mode: 'pre', minSubmitSeconds: 0, rateLimit: { perIp: { max: 1_000_000, windowSeconds: 60 }, perEmail: { max: 1_000_000, windowSeconds: 60 } } });

    // Warmed up first, as server mode's writes are (WRITE_WARM_UP_SECONDS): its first seconds measure V8 at work.
    const warmUp = await api.load({ url: base, connections: WRITERS, seconds: WRITE_WARM_UP_SECONDS, requests: [writeRequest()] });
    api.record({ workload: `embedded: write warm-up (first POSTs of this process)`, result: warmUp, note: 'not a figure' });
    const writes = await api.load({ url: base, connections: WRITERS, seconds: api.seconds, requests: [writeRequest()] });
    api.record({ workload: `embedded: write (${WRITERS} writers, pre-moderated demo site)`, result: writes });
    api.figure('embedded, writes/s (8 writers)', `${Math.round(writes.rps)} (p99 ${writes.p99} ms, ${writes.non2xx} non-2xx)`, `>= ${TARGETS.writesPerSecond}`, writes.rps >= TARGETS.writesPerSecond && writes.non2xx === 0);

    // A 200-comment thread, published on submission.
    await patchSettings(base, key, { mode: 'post' });
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${base}/api/v1/sites/demo/comments`, { method: 'POST', ...writeBody(READ_PAGE, i) });
      if (res.status !== 201) throw new Error(`seeding the read page: POST answered ${res.status}`);
    }
    const readPath = `/api/v1/sites/demo/comments?page=${encodeURIComponent(READ_PAGE)}&limit=200`;
    const check = (await (await fetch(`${base}${readPath}`)).json()) as { comments: unknown[] };
    if (check.comments.length !== 200) throw new Error(`read page has ${check.comments.length} comments, not 200`);
    const reads: Record<string, number> = {};
    for (const connections of [1, api.connections]) {
      const r = await api.load({ url: `${base}${readPath}`, connections, seconds: api.seconds });
      api.record({ workload: `embedded: cached thread read, 200 comments, ${connections} client(s)`, result: r });
      reads[`embedded_${connections}`] = Math.round(r.rps);
      if (api.parleyUrl) {
        const s = await api.load({ url: `${api.parleyUrl}${api.readPath}`, connections, seconds: api.seconds });
        api.record({ workload: `server mode: cached thread read, same load, ${connections} client(s)`, result: s });
        reads[`server_${connections}`] = Math.round(s.rps);
      }
    }
    api.details.reads = reads;
    for (const c of [1, api.connections]) {
      const server = reads[`server_${c}`];
      api.figure(`embedded, cached reads/s (${c} client${c > 1 ? 's' : ''})`, server ? `${reads[`embedded_${c}`]} (${(reads[`embedded_${c}`] / server).toFixed(2)} of server mode's ${server})` : reads[`embedded_${c}`], server ? '>= 0.9 of server mode' : undefined, server ? reads[`embedded_${c}`] >= 0.9 * server : undefined);
    }
    const afterLoad = memoryMb(first.child.proc.pid!);
    api.details.afterLoadMb = afterLoad;

    const stop = await stopChild(first.child);
    const comments = warmUp.requests - warmUp.non2xx + writes.requests - writes.non2xx + 200;
    const diskMb = dirSizeMb(dataDir);
    api.details.disk = { mb: diskMb, comments, mbPer1000: Math.round((diskMb / comments) * 1000 * 10) / 10 };
    api.figure('embedded, DATA_DIR', `${diskMb} MB for ${comments} comments`);
    api.details.stopMs = stop.ms;

    const again = await startEmbedded(dataDir, api.log);
    api.details.restart = { peakMb: again.startPeakMb, processes: again.processes, seconds: again.startSeconds };
    api.figure('embedded, start-up peak (restart, existing DATA_DIR)', `${again.startPeakMb} MB in ${again.startSeconds} s`, `< ${TARGETS.startPeakMb} MB`, again.startPeakMb < TARGETS.startPeakMb);
    const idleAgain = await idleRss(again, api.log);
    api.details.idleAfterRestartMb = idleAgain;
    api.figure('embedded, idle RSS after restart', `${idleAgain} MB`, `< ${TARGETS.idleMb} MB`, idleAgain < TARGETS.idleMb);
    await stopChild(again.child);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Started { child: Child; apiKey: string | null; startPeakMb: number; startSeconds: number; processes: number; sampler: RssSampler }

/** `node dist/src/server.js` with no DATABASE_URL, as `npm start` runs it, sampling memory from spawn on. */
async function startEmbedded(dataDir: string, log: (m: string) => void): Promise<Started> {
  log(`embedded: starting on ${fs.existsSync(path.join(dataDir, 'pgdata')) ? 'an existing' : 'a new'} DATA_DIR`);
  const started = Date.now();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn', TRUST_PROXY: '1', WORKER_ENABLED: 'true',
  };
  for (const k of ['DATABASE_URL', 'DEMO_SITE', 'SMTP_URL', 'SMTP_HOST', 'DATABASE_REPLICA_URL']) delete env[k];
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const proc = spawn(process.execPath, [...prof, SERVER_JS], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const stderr: string[] = [];
  readline.createInterface({ input: proc.stderr! }).on('line', (l) => stderr.push(l));
  const sampler = new RssSampler();
  const poll = setInterval(() => sampler.sample(proc.pid!), 25);
  let apiKey: string | null = null;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`embedded Parley did not start in 120 s:\n${stderr.join('\n')}`)), 120_000);
      void exited.then((code) => reject(new Error(`embedded Parley exited with ${code}:\n${stderr.join('\n')}`)));
      readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
        const key = /^\s+(pk_[A-Za-z0-9_-]+)\s*$/.exec(line);
        if (key) apiKey = key[1];
        const m = /Parley is running at http:\/\/[^:]+:(\d+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${m[1]}`);
        }
      });
    });
    sampler.sample(proc.pid!);
    const child: Child = { proc, url, exited, stderr };
    return { child, apiKey, startPeakMb: sampler.peakMb, startSeconds: Math.round((Date.now() - started) / 100) / 10, processes: sampler.seen.size, sampler };
  } finally {
    clearInterval(poll);
  }
}

async function idleRss(s: Started, log: (m: string) => void): Promise<number> {
  log('embedded: 10 s idle');
  await new Promise((r) => setTimeout(r, 10_000));
  let total = 0;
  for (const pid of [s.child.proc.pid!, ...descendantsOf(s.child.proc.pid!)]) total += memoryMb(pid).rss;
  return total;
}

/** Peak of the summed resident memory of a process tree, sampled. */
class RssSampler {
  seen = new Set<number>();
  peakMb = 0;
  sample(root: number) {
    let sum = 0;
    for (const pid of [root, ...descendantsOf(root)]) {
      this.seen.add(pid);
      const m = memoryMb(pid);
      sum += m.rss;
      this.peakMb = Math.max(this.peakMb, m.hwm); // each process's own peak, even between samples
    }
    this.peakMb = Math.max(this.peakMb, sum);
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

function descendantsOf(pid: number): number[] {
  const kids = childrenOf(pid);
  return [...kids, ...kids.flatMap(descendantsOf)];
}

function writeBody(page: string, n: number): { headers: Record<string, string>; body: string } {
  return {
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `10.9.${(n >> 8) & 255}.${n & 255}` },
    body: JSON.stringify({
      page, pageUrl: `https://news.example${page}`, pageTitle: 'Embedded bench', name: `Reader ${n}`,
      email: `embedded.reader.${n}.${process.pid}@example.org`,
      body: `Comment ${n} on the embedded database. The figures in the second paragraph deserve a second look.`,
    }),
  };
}

let writeCounter = 0;
function writeRequest(): LoadRequest {
  return {
    method: 'POST',
    path: '/api/v1/sites/demo/comments',
    setupRequest: (req) => {
      const n = ++writeCounter;
      const { headers, body } = writeBody(`/embedded/w/${n % 100}`, n);
      return { ...req, headers: { ...req.headers, ...headers }, body };
    },
  };
}

async function patchSettings(base: string, key: string, settings: Record<string, unknown>) {
  const res = await fetch(`${base}/api/v1/moderation/sites/demo/settings`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(settings),
  });
  if (!res.ok) throw new Error(`PATCH settings answered ${res.status}: ${await res.text()}`);
}

function dirSizeMb(dir: string): number {
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else bytes += fs.statSync(p).size;
    }
  };
  walk(dir);
  return Math.round(bytes / 1024 / 1024);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const seconds = Number(args[args.indexOf('--seconds') + 1] || 5);
  const t0 = Date.now();
  const log = (m: string) => process.stderr.write(`[embedded ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${m}\n`);
  if (!args.includes('--no-build')) build(log);
  const details: Record<string, unknown> = {};
  const figures: string[] = [];
  run({
    log, details, seconds, connections: 32, load: runLoad, site: 'demo', readPath: '',
    record: (row) => log(`${row.workload}: ${Math.round(row.result.rps)}/s p99 ${row.result.p99} ms non-2xx ${row.result.non2xx}`),
    figure: (name, value, target, met) => figures.push(`${name}: ${value}${target ? `  (target ${target}: ${met ? 'met' : 'NOT met'})` : ''}`),
    notePeakRss: () => {},
  }).then(() => {
    process.stdout.write(`${figures.join('\n')}\n${JSON.stringify(details, null, 2)}\n`);
  }, (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
