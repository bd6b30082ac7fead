import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { TestDatabase } from '../helpers/testDb';

const ROOT = path.resolve(__dirname, '../..');
const TSX = 'tsx'; // resolved from the project root (cwd)
export const SECRET_KEY = 'fault-tests-secret-key-0123456789abcdef';

export interface ParleyProcess {
  proc: ChildProcess;
  url: string;
  port: number;
  /** The demo moderator's API key, when this start created the demo site (embedded mode). */
  demoApiKey: string | null;
  /** Everything the process wrote to stdout and stderr. */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Parley as its own process (`node --import tsx src/server.ts`), the way operators run it.
 * `db` in server mode: the test's schema on the Postgres server. `dataDir` alone: its own embedded
 * Postgres in that directory. `env` overrides anything (e.g. DATABASE_URL through a proxy).
 */
export async function startParley(opts: { db?: TestDatabase; dataDir?: string; env?: Record<string, string> }): Promise<ParleyProcess> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    WORKER_ENABLED: 'false',
    TRUST_PROXY: '1',
    SECRET_KEY,
    DATA_DIR: opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'parley-fault-')),
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
  };
  if (opts.db?.mode === 'server') {
    env.DATABASE_URL = process.env.TEST_DATABASE_URL!;
    env.DATABASE_SCHEMA = opts.db.schema!;
    env.DEMO_SITE = 'false';
  } else if (opts.db) {
    env.DATABASE_URL = opts.db.url;
    env.DATABASE_POOL_SIZE = '1'; // PGlite serves one session at a time
    env.DEMO_SITE = 'false';
  }
  Object.assign(env, opts.env);
  const proc = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'src/server.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  readline.createInterface({ input: proc.stderr! }).on('line', (l) => output.push(l));
  let demoApiKey: string | null = null;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Parley did not start in 60 s:\n${output.join('\n')}`)), 60_000);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`Parley exited with ${code} while starting:\n${output.join('\n')}`));
    });
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      output.push(line);
      const key = /^\s+(pk_[A-Za-z0-9_-]+)\s*$/.exec(line);
      if (key) demoApiKey = key[1];
      const m = /Parley is running at http:\/\/[^:]+:(\d+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  return {
    proc, port, url: `http://127.0.0.1:${port}`, demoApiKey, output, exited,
    kill: (signal) => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
  };
}

export async function stopParley(p: ParleyProcess): Promise<void> {
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) return;
  p.kill('SIGTERM');
  const done = await Promise.race([p.exited.then(() => true), deadline(12_000).then(() => false)]);
  if (!done) p.kill('SIGKILL');
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves after `ms` without keeping the test process alive (for races against an exit). */
export function deadline(ms: number): Promise<null> {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms).unref());
}

export interface HttpResult { status: number; body: string; headers: http.IncomingHttpHeaders; ms: number }

/** A plain HTTP request on a fresh connection (no keep-alive), with a deadline. Network errors reject. */
export function httpRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<HttpResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers, ms: Date.now() - started }));
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs ?? 15_000, () => req.destroy(new Error(`timeout after ${opts.timeoutMs ?? 15_000} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function postComment(baseUrl: string, site: string, input: Record<string, unknown>, ip: string, timeoutMs = 15_000) {
  return httpRequest(`${baseUrl}/api/v1/sites/${site}/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': ip },
    body: JSON.stringify(input),
    timeoutMs,
  });
}

/**
 * A TCP proxy between Parley and Postgres that the test can cut: `cut()` drops every open connection and
 * stops listening (new connections are refused), `restore()` listens again on the same port.
 * The shared Postgres server is never touched.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    async cut() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    restore: () => listen(port),
    async close() {
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Host and port of a postgres:// URL. */
export function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432) };
}

/** The same URL, pointed at another port (through the proxy). */
export function withPort(url: string, port: number): string {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
}

/** Serves an embedded Postgres data directory (one that a killed Parley left) on a local port. */
export function openEmbeddedDataDir(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/embedded-postgres.cjs'), dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`embedded postgres on ${dir} exited with ${code}`)));
    readline.createInterface({ input: child.stdout! }).once('line', (line) => {
      const { url } = JSON.parse(line) as { url: string };
      resolve({
        url,
        stop: () => new Promise<void>((done) => {
          child.once('exit', () => done());
          child.stdin!.end();
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
      });
    });
  });
}
