/**
 * The bench's moving parts: its database, Parley and baseline child processes, their memory and CPU
 * (from /proc), and an SMTP sink that only counts messages.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Pool } from 'pg';
import { SMTPServer } from 'smtp-server';

export const ROOT = path.resolve(__dirname, '..');
export const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const DB_NAME = process.env.BENCH_DB ?? 'parley_bench';
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
export const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
/** Extra Node flags for the Parley process (e.g. V8 memory settings), space-separated. */
export const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
export const SERVER_JS = 'dist/src/server.js';

export function dbUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function freshDatabase(name = DB_NAME): Promise<void> {
  const admin = new Pool({ connectionString: ADMIN_URL, max: 1 });
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

/** A copy of a database nobody is connected to (CREATE DATABASE ... TEMPLATE). */
export async function copyDatabase(from: string, to: string): Promise<void> {
  const admin = new Pool({ connectionString: ADMIN_URL, max: 1 });
  await admin.query(`DROP DATABASE IF EXISTS "${to}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${to}" TEMPLATE "${from}"`);
  await admin.end();
}

export async function dropDatabase(name = DB_NAME): Promise<void> {
  const admin = new Pool({ connectionString: ADMIN_URL, max: 1 });
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
  await admin.end();
}

export interface Child { proc: ChildProcess; url: string; exited: Promise<number | null>; stderr: string[] }

/**
 * Parley runs as built for production (tsc output in dist/), not through a TypeScript loader.
 * A type error elsewhere in the tree still emits JavaScript; the bench goes on with it and says so.
 */
export function build(log: (m: string) => void): void {
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

/** Spawns a Node process running `script` and waits for the line that carries its port. */
export function spawnNode(script: string, env: Record<string, string>, portLine: RegExp, extraArgs: string[] = []): Promise<Child> {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const proc = spawn(process.execPath, [...extraArgs, ...loader, script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const errLines: string[] = [];
  readline.createInterface({ input: proc.stderr! }).on('line', (l) => {
    errLines.push(l);
    if (errLines.length > 200) errLines.shift();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 60 s:\n${errLines.join('\n')}`)), 60_000);
    void exited.then((code) => reject(new Error(`${script} exited with ${code}:\n${errLines.join('\n')}`)));
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = portLine.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: `http://127.0.0.1:${m[1]}`, exited, stderr: errLines });
      }
    });
  });
}

/** Parley with the default start command (`node dist/src/server.js`) on the bench database; `env` overrides. */
export function startParley(env: Record<string, string> = {}, database = DB_NAME): Promise<Child> {
  const prof = process.env.BENCH_CPU_PROF;
  return spawnNode(
    SERVER_JS,
    {
      DATABASE_URL: dbUrl(database),
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      WORKER_ENABLED: 'false',
      TRUST_PROXY: '1',
      LOG_LEVEL: LOG_LEVEL,
      DEMO_SITE: 'false',
      SECRET_KEY: 'bench-secret-key-0123456789abcdef-0123456789',
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-')),
      ...env,
    },
    /Parley is running at http:\/\/[^:]+:(\d+)/,
    [...NODE_FLAGS, ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [])],
  );
}

export function startBaseline(database = DB_NAME): Promise<Child> {
  return spawnNode('bench/baselineServer.ts', { DATABASE_URL: dbUrl(database), PORT: '0' }, /^listening (\d+)/);
}

export async function stopChild(child: Child): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  if (child.proc.exitCode !== null) return { code: child.proc.exitCode, ms: 0 };
  child.proc.kill('SIGTERM');
  const code = await Promise.race([child.exited, new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
  if (code === null && child.proc.exitCode === null) child.proc.kill('SIGKILL');
  return { code, ms: Date.now() - started };
}

/** VmRSS now and VmHWM (peak so far) of a process, in MB. */
export function memoryMb(pid: number): { hwm: number; rss: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { hwm: Math.round(kb('VmHWM') / 1024), rss: Math.round(kb('VmRSS') / 1024) };
  } catch {
    return { hwm: 0, rss: 0 };
  }
}

const CLOCK_TICKS = 100; // Linux USER_HZ

/**
 * CPU time (user + system) of every Postgres process on this machine so far, in ms: the server the bench
 * runs on (its backends come and go, so they are summed at each reading rather than followed by pid).
 */
export function postgresCpuMs(): number {
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    if (!stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith('postgres')) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / CLOCK_TICKS;
}
/** CPU time (user + system) a process has used so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** An SMTP server that accepts everything and only counts messages (no parsing: its CPU is the bench's, not Parley's). */
export async function startSmtpSink(): Promise<{ port: number; count(): number; stop(): Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 50,
    onData(stream, _session, cb) {
      stream.on('end', () => {
        received++;
        cb();
      });
      stream.resume();
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const p = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(p));
    });
    probe.once('error', reject);
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    count: () => received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
