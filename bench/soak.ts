/**
 * `npm run bench -- --soak [--soak-minutes 10]`: two Parley instances (workers on, SMTP into a sink) on one
 * database, under mixed load for N minutes: cached and owner-token reads on both, writes at half the
 * maximum measured first, and moderation (list + approve). Each minute is one autocannon segment per
 * load, so every minute has its own p99s and status counts; RSS of both instances is read at the end of
 * each minute. Reports 5xx count (target 0), p99s, and RSS growth from minute 2 to the last minute
 * (target under 10%). Writes bench/results/soak-<timestamp>.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { runLoad, type LoadOptions, type LoadResult } from './load';
import { build, dbUrl, dropDatabase, freshDatabase, memoryMb, ROOT, startParley, startSmtpSink, stopChild, type Child } from './processes';
import { growComments, OWNER_TOKEN, pendingIds, READ_PAGE, seedBase, SITE, WRITE_SITE, writeRequest } from './seed';

const DB = `${process.env.BENCH_DB ?? 'parley_bench'}_soak`;

interface Minute {
  minute: number;
  rssMb: number[];
  reads: LoadResult;
  writes: LoadResult;
  moderation: LoadResult;
  fiveXx: number;
}

export async function runSoak(opts: { minutes: number }): Promise<void> {
  const t0 = Date.now();
  const log = (msg: string) => process.stderr.write(`[soak ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);
  build(log);
  await freshDatabase(DB);
  const sink = await startSmtpSink();
  const env = { WORKER_ENABLED: 'true', SMTP_URL: `smtp://127.0.0.1:${sink.port}`, DEMO_SITE: 'false' };
  const children: Child[] = [];
  const pool = new Pool({ connectionString: dbUrl(DB), max: 2 });
  try {
    const a = await startParley(env, DB); // migrates
    children.push(a);
    const b = await startParley(env, DB);
    children.push(b);
    const { apiKey } = await seedBase(pool);
    await growComments(pool, 10_000);
    const auth = { Authorization: `Bearer ${apiKey}` };
    const readPath = `/api/v1/sites/${SITE}/comments?page=${encodeURIComponent(READ_PAGE)}&limit=200`;
    const writeReq = [{ method: 'POST', path: `/api/v1/sites/${WRITE_SITE}/comments`, setupRequest: (r: object) => ({ ...r, ...writeRequest('soak-') }) }];

    log('measuring the maximum write rate (instance A, 5 s)');
    await runLoad({ url: a.url, connections: 32, seconds: 2, requests: writeReq });
    const max = await runLoad({ url: a.url, connections: 32, seconds: 5, requests: writeReq });
    const writeRate = Math.max(2, Math.round(max.rps / 2));
    log(`max write ${max.rps}/s; soak writes at ${writeRate}/s for ${opts.minutes} min on ${a.url} and ${b.url}`);

    const ids = await pendingIds(pool, 1_000_000);
    let nextId = 0;
    const minutes: Minute[] = [];
    for (let m = 1; m <= opts.minutes; m++) {
      const segment = (url: string, o: Partial<LoadOptions>) => runLoad({ url, connections: 8, seconds: 60, ...o });
      const [readsA, readsB, ownerA, writesA, writesB, moderation] = await Promise.all([
        segment(a.url + readPath, { connections: 8, headers: { 'Accept-Encoding': 'gzip' }, overallRate: 300 }),
        segment(b.url + readPath, { connections: 8, headers: { 'Accept-Encoding': 'gzip' }, overallRate: 300 }),
        segment(a.url + readPath, { connections: 4, headers: { 'X-Parley-Owner': OWNER_TOKEN, 'Accept-Encoding': 'gzip' }, overallRate: 100 }),
        segment(a.url, { connections: 8, requests: writeReq, overallRate: Math.ceil(writeRate / 2) }),
        segment(b.url, { connections: 8, requests: writeReq, overallRate: Math.floor(writeRate / 2) || 1 }),
        segment(b.url, {
          connections: 2,
          headers: auth,
          overallRate: 20,
          requests: [
            { method: 'GET', path: `/api/v1/moderation/comments?status=pending&site=${SITE}&limit=20` },
            { method: 'POST', setupRequest: (r) => ({ ...r, path: `/api/v1/moderation/comments/${ids[nextId++ % ids.length]}/approve` }) },
          ],
        }),
      ]);
      const all = [readsA, readsB, ownerA, writesA, writesB, moderation];
      const fiveXx = all.reduce((n, r) => n + Object.entries(r.statusCodes).filter(([c]) => c.startsWith('5')).reduce((s, [, v]) => s + v, 0) + r.errors + r.timeouts, 0);
      const reads = merge([readsA, readsB, ownerA]);
      const writes = merge([writesA, writesB]);
      const minute = { minute: m, rssMb: [memoryMb(a.proc.pid!).rss, memoryMb(b.proc.pid!).rss], reads, writes, moderation, fiveXx };
      minutes.push(minute);
      log(`minute ${m}: reads ${reads.rps}/s p99 ${reads.p99} ms; writes ${writes.rps}/s p99 ${writes.p99} ms; moderation p99 ${moderation.p99} ms; 5xx/errors ${fiveXx}; RSS ${minute.rssMb.join(' / ')} MB`);
      for (const c of children) if (c.proc.exitCode !== null) throw new Error(`a Parley instance exited during the soak:\n${c.stderr.join('\n')}`);
    }
    const { rows: [jobs] } = await pool.query<{ open: number; dead: number }>(
      `SELECT count(*) FILTER (WHERE "status" IN ('queued','retrying','running'))::int AS open, count(*) FILTER (WHERE "status" = 'dead')::int AS dead FROM "Job"`,
    );
    const peaks = children.map((c) => memoryMb(c.proc.pid!).hwm);
    const stops = [await stopChild(a), await stopChild(b)];

    const from = minutes[Math.min(1, minutes.length - 1)];
    const to = minutes[minutes.length - 1];
    const growth = from.rssMb.map((r, i) => Math.round(((to.rssMb[i] - r) / Math.max(1, r)) * 1000) / 10);
    const fiveXx = minutes.reduce((n, x) => n + x.fiveXx, 0);
    const p99 = (pick: (x: Minute) => LoadResult) => Math.max(...minutes.map((x) => pick(x).p99));
    const summary = {
      minutes: opts.minutes,
      maxWriteRps: max.rps,
      writeRateTarget: writeRate,
      fiveXx,
      worstMinuteP99Ms: { reads: p99((x) => x.reads), writes: p99((x) => x.writes), moderation: p99((x) => x.moderation) },
      rssGrowthPercent: { from: `minute ${from.minute}`, to: `minute ${to.minute}`, instances: growth },
      peakRssMb: peaks,
      jobsLeft: jobs,
      emailsSent: sink.count(),
      stops,
    };
    const results = { date: new Date().toISOString(), command: `npm run bench -- --soak --soak-minutes ${opts.minutes}`, loadAverage: os.loadavg(), summary, minutes };
    const dir = path.join(ROOT, 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `soak-${results.date.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
    const mark = (ok: boolean) => (ok ? 'MET    ' : 'NOT MET');
    process.stdout.write([
      `Soak: ${opts.minutes} min, two instances, one database; writes at ${writeRate}/s (half of ${max.rps}/s)`,
      '| minute | reads/s | read p99 | writes/s | write p99 | moderation p99 | 5xx | RSS MB (A / B) |',
      ...minutes.map((x) => `| ${x.minute} | ${x.reads.rps} | ${x.reads.p99} | ${x.writes.rps} | ${x.writes.p99} | ${x.moderation.p99} | ${x.fiveXx} | ${x.rssMb.join(' / ')} |`),
      '',
      `${mark(fiveXx === 0)}  5xx (and socket errors): ${fiveXx} (target 0)`,
      `${mark(growth.every((g) => g < 10))}  RSS growth ${summary.rssGrowthPercent.from} -> ${summary.rssGrowthPercent.to}: ${growth.map((g) => `${g}%`).join(' / ')} (target < 10%)`,
      `         worst minute p99: reads ${summary.worstMinuteP99Ms.reads} ms, writes ${summary.worstMinuteP99Ms.writes} ms, moderation ${summary.worstMinuteP99Ms.moderation} ms`,
      `         jobs left ${jobs.open} (dead ${jobs.dead}); emails sent ${sink.count()}; peak RSS ${peaks.join(' / ')} MB`,
      `results: ${path.relative(ROOT, file)}`,
      '',
    ].join('\n'));
  } finally {
    await pool.end().catch(() => {});
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await sink.stop().catch(() => {});
    if (!process.env.BENCH_KEEP_DB) await dropDatabase(DB);
  }
}

/** Several loads' figures as one: summed rates and counts, the worst p99. */
function merge(results: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const statusCodes: Record<string, number> = {};
  for (const r of results) for (const [c, n] of Object.entries(r.statusCodes)) statusCodes[c] = (statusCodes[c] ?? 0) + n;
  return {
    rps: sum((r) => r.rps), p50: Math.max(...results.map((r) => r.p50)), p99: Math.max(...results.map((r) => r.p99)),
    maxMs: Math.max(...results.map((r) => r.maxMs)), requests: sum((r) => r.requests), bytesPerResponse: 0,
    non2xx: sum((r) => r.non2xx), errors: sum((r) => r.errors), timeouts: sum((r) => r.timeouts), statusCodes,
  };
}
