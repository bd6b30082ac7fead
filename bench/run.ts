/**
 * `npm run bench`: Parley under load, against the real Postgres server, over loopback.
 *
 * Creates a fresh database (BENCH_DB, default parley_bench), starts Parley as a child process on it
 * (`node dist/src/server.js`, the default start command), seeds with set-based SQL, then drives it with
 * autocannon at 32 connections. Workloads (all by default; pick some with `-- --only write,read`):
 *   read      bare node:http + pg read baseline, then cached thread reads (identity, gzip, If-None-Match)
 *   owner     reads by a reader holding an owner token (their pending comment merged in), as a ratio of the
 *             cached read, from alternating runs of each
 *   counts    comment counts of 50 pages
 *   queue     the moderation queue
 *   write     bare node:http + pg write baseline, then Parley's POSTs to a pre-moderated site (comment + job),
 *             with database transactions per POST (a round-trip count); each measured after 8 s of warm-up
 *   moderate  list + approve, alternating
 *   worker    a second Parley process with the worker on drains the jobs the write workload queued, into an
 *             SMTP sink in this process: jobs/s and CPU ms per job with one email per comment, then the same
 *             queue again with the default flood digest (a spam wave: one digest email)
 *   scale     grows the table to 1M rows; read, owner read and moderation queue on a fresh Parley, measured in
 *             alternation with another on a copy of the database as it was before (so the machine's drift cancels)
 *   embedded, console   sections other engineers add as bench/embedded.ts and bench/console.ts (if present)
 * `-- --soak [--soak-minutes 10]` instead runs two Parley instances on one database under mixed load
 * (bench/soak.ts). Prints a table and the issue's figures, and writes bench/results/<timestamp>.json.
 *
 * Options: --only a,b  --skip a,b  --seconds N (per workload)  --soak  --soak-minutes N
 * Settings (environment): BENCH_ADMIN_URL (postgresql://postgres@127.0.0.1:5432/postgres),
 * BENCH_DB (parley_bench), BENCH_SECONDS (5 per workload), BENCH_CONNECTIONS (32),
 * BENCH_SCALE_ROWS (1000000), BENCH_LOG_LEVEL (warn), BENCH_NODE_FLAGS (extra node flags for Parley),
 * BENCH_CPU_PROF=dir (write a V8 CPU profile of each Parley process there), BENCH_KEEP_DB=1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import {
  build, CONNECTIONS, copyDatabase, cpuMs, DB_NAME, dbUrl, dropDatabase, freshDatabase, LOG_LEVEL, memoryMb, NODE_FLAGS, postgresCpuMs,
  ROOT, SERVER_JS, startBaseline, startParley, startSmtpSink, stopChild, type Child,
} from './processes';
import { runLoad, WRITE_WARM_UP_SECONDS, type LoadRequest, type LoadResult } from './load';
import { commentCount, explainHotQueries, growComments, OWNER_TOKEN, pendingIds, READ_COMMENTS, READ_PAGE, seedBase, SITE, WRITE_SITE, writeRequest } from './seed';

const args = process.argv.slice(2);
const argValue = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const listArg = (name: string) => (argValue(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);

const SECONDS = Number(argValue('--seconds') ?? process.env.BENCH_SECONDS ?? 5);
const SCALE_ROWS = Number(process.env.BENCH_SCALE_ROWS ?? 1_000_000);
const SMALL_ROWS = 10_000;
/** Sections other engineers own, run when their file exists. */
const OPTIONAL_SECTIONS = ['embedded', 'console'] as const;
const WORKLOADS = ['read', 'owner', 'counts', 'queue', 'write', 'moderate', 'worker', 'scale', ...OPTIONAL_SECTIONS] as const;
const only = listArg('--only');
const skip = listArg('--skip');
for (const w of [...only, ...skip]) {
  if (!(WORKLOADS as readonly string[]).includes(w)) {
    process.stderr.write(`unknown workload "${w}"; known: ${WORKLOADS.join(', ')}\n`);
    process.exit(2);
  }
}
const selected = (w: (typeof WORKLOADS)[number]) => (only.length === 0 || only.includes(w)) && !skip.includes(w);

const TARGETS = {
  readVsBaseline: 0.7,
  readP99Ms: 25,
  writeP99Ms: 50,
  writeRps: 1000,
  writeVsBaseline: 0.5,
  ownerVsRead: 0.9,
  peakRssMb: 150,
  scaleRatio: 1.3,
};

export interface Row { workload: string; rows?: number; result: LoadResult; note?: string; rssMb?: { hwm: number; rss: number } }

/** What an optional section (bench/embedded.ts, bench/console.ts) gets: export `async function run(api: BenchApi)`. */
export interface BenchApi {
  log(message: string): void;
  /** Adds a row to the printed table (and the results file). */
  record(row: Row): void;
  /** Extra figures for the results file, under details[section]. */
  details: Record<string, unknown>;
  /** Adds a line to the printed figures (name, value, target, met?). */
  figure(name: string, value: string | number, target?: string, met?: boolean): void;
  seconds: number;
  connections: number;
  load: typeof runLoad;
  /** The running server-mode Parley (may be undefined if none runs at that point) and its seeded data. */
  parleyUrl?: string;
  apiKey?: string;
  site: string;
  readPath: string;
  /** Peak RSS of any Parley process a section starts is reported here so the overall peak includes it. */
  notePeakRss(mb: number): void;
}

const readPath = `/api/v1/sites/${SITE}/comments?page=${encodeURIComponent(READ_PAGE)}&limit=200`;
const queuePath = `/api/v1/moderation/comments?status=pending&site=${SITE}&limit=50`;

interface Figure { name: string; value: string | number; target?: string; met?: boolean }

async function main() {
  if (args.includes('--soak')) {
    const { runSoak } = await import('./soak');
    await runSoak({ minutes: Number(argValue('--soak-minutes') ?? 10) });
    return;
  }
  const t0 = Date.now();
  const log = (msg: string) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);
  const rows: Row[] = [];
  const figures: Figure[] = [];
  const figure = (name: string, value: string | number, target?: string, met?: boolean) => figures.push({ name, value, target, met });
  let parleyPid = 0;
  let peakRss = 0;
  const notePeakRss = (mb: number) => (peakRss = Math.max(peakRss, mb));
  const sampleRss = (pid: number) => {
    const m = memoryMb(pid);
    notePeakRss(m.hwm);
    return m;
  };
  // Parley's memory after each of its workloads (VmRSS now, VmHWM so far), to see which one grows it.
  const record = (row: Row) => rows.push(parleyPid && !row.workload.startsWith('baseline') ? { ...row, rssMb: sampleRss(parleyPid) } : row);
  const extra: Record<string, unknown> = {};
  const load = (base: string, o: { headers?: Record<string, string>; requests?: LoadRequest[]; seconds?: number }) =>
    withCpu(base, () => runLoad({ url: base, connections: CONNECTIONS, seconds: o.seconds ?? SECONDS, headers: o.headers, requests: o.requests }));

  const loadBefore = os.loadavg();
  build(log);
  log(`fresh database ${DB_NAME}; workloads: ${WORKLOADS.filter(selected).join(', ')}`);
  await freshDatabase();
  let parley: Child = await startParley(); // runs the migrations
  serverPids.set(parley.url, parley.proc.pid!);
  const children: Child[] = [parley];
  parleyPid = parley.proc.pid!;
  let pool = new Pool({ connectionString: dbUrl(DB_NAME), max: 2 });
  const extraDatabases: string[] = [];
  try {
    const { apiKey } = await seedBase(pool);
    await growComments(pool, SMALL_ROWS);
    const auth = { Authorization: `Bearer ${apiKey}` };
    log(`seeded ${await commentCount(pool)} comments; Parley pid ${parleyPid} at ${parley.url}`);

    // Sanity: the thread has 200 comments, and is compressed when the client accepts it.
    const plain = await fetch(parley.url + readPath, { headers: { 'Accept-Encoding': 'identity' } });
    const plainBody = await plain.text();
    const parsed = JSON.parse(plainBody) as { total: number };
    if (plain.status !== 200 || parsed.total !== READ_COMMENTS) throw new Error(`read sanity check failed: ${plain.status} ${plainBody.slice(0, 200)}`);
    const etag = plain.headers.get('etag');
    extra.rssAtStartMb = sampleRss(parleyPid);
    const gz = await rawGet(parley.url + readPath, { 'Accept-Encoding': 'gzip, deflate, br' });
    extra.read = { jsonBytes: Buffer.byteLength(plainBody), compressedBytes: gz.bytes, contentEncoding: gz.encoding, etag, cacheControl: plain.headers.get('cache-control') };
    const ownerHeaders = { 'X-Parley-Owner': OWNER_TOKEN, 'Accept-Encoding': 'identity' };
    {
      const own = await (await fetch(parley.url + readPath, { headers: ownerHeaders })).text();
      extra.ownerSeesPending = own.includes('My own reply, still waiting');
      if (!extra.ownerSeesPending) log('warning: the owner-token read does not show the owner\'s pending comment');
    }

    let read: LoadResult | undefined;
    let base: LoadResult | undefined;
    let read304: LoadResult | undefined;
    if (selected('read')) {
      // Baseline first, alone on the machine, then stopped so it takes no CPU from Parley's runs.
      log('read baseline: minimal node:http + pg server');
      const baseline = await startBaseline();
      serverPids.set(baseline.url, baseline.proc.pid!);
      const baseBody = await (await fetch(baseline.url + readPath)).text();
      extra.baselineSameJson = baseBody === plainBody;
      await load(baseline.url + readPath, { seconds: 2 });
      base = await load(baseline.url + readPath, {});
      record({ workload: 'baseline read (node:http + pg)', rows: SMALL_ROWS, result: base, note: extra.baselineSameJson ? 'same JSON' : 'JSON differs' });
      await stopChild(baseline);

      log('read');
      await load(parley.url + readPath, { seconds: 2, headers: { 'Accept-Encoding': 'identity' } });
      read = await load(parley.url + readPath, { headers: { 'Accept-Encoding': 'identity' } });
      record({ workload: 'read (identity)', rows: SMALL_ROWS, result: read });
      const readGzip = await load(parley.url + readPath, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
      record({ workload: 'read (gzip accepted)', rows: SMALL_ROWS, result: readGzip, note: `${gz.encoding ?? 'none'} ${gz.bytes} B body` });
      read304 = await load(parley.url + readPath, { headers: { 'If-None-Match': etag ?? '', 'Accept-Encoding': 'gzip' } });
      record({ workload: 'read If-None-Match (304)', rows: SMALL_ROWS, result: read304 });
      const readVsBaseline = round2(read.rps / base.rps);
      figure('cached read vs bare read baseline', `${readVsBaseline}x (${read.rps} vs ${base.rps} req/s)`, `>= ${TARGETS.readVsBaseline}`, readVsBaseline >= TARGETS.readVsBaseline);
      figure('read p99 (cached thread, identity)', `${read.p99} ms`, `< ${TARGETS.readP99Ms} ms`, read.p99 < TARGETS.readP99Ms);
      figure('read p99 (cached thread, gzip accepted)', `${readGzip.p99} ms`, `< ${TARGETS.readP99Ms} ms`, readGzip.p99 < TARGETS.readP99Ms);
      figure('If-None-Match answered 304', `${read304.statusCodes['304'] ?? 0} of ${read304.requests}`, 'all', (read304.statusCodes['304'] ?? 0) === read304.requests && read304.requests > 0);
      figure('compression when accepted', gz.encoding ?? 'none', 'gzip/br', gz.encoding === 'gzip' || gz.encoding === 'br');
    }

    if (selected('owner')) {
      log('owner-token read, alternating with the cached read');
      // Alternating runs of the same length: measured minutes apart, the ratio was mostly the machine's drift
      // (0.65-0.98 for the same code in full runs). Identity, as the issue's figure; then compressed, as
      // browsers ask (their own view used to be compressed on every request: 0.16 of the cached read).
      const identity = { 'Accept-Encoding': 'identity' };
      const compressed = { 'Accept-Encoding': 'gzip, deflate, br' };
      if (!read) await load(parley.url + readPath, { seconds: 2, headers: identity }); // warm-up, as for read
      await load(parley.url + readPath, { seconds: 1, headers: ownerHeaders });
      const pairs = async (name: string, encoding: Record<string, string>, rounds: number) => {
        const runs = { cached: [] as LoadResult[], owner: [] as LoadResult[] };
        for (let round = 0; round < rounds; round++) {
          runs.cached.push(await load(parley.url + readPath, { headers: encoding }));
          runs.owner.push(await load(parley.url + readPath, { headers: { ...ownerHeaders, ...encoding } }));
        }
        const owner = runs.owner[runs.owner.length - 1];
        const perRun = `cached ${runs.cached.map((r) => r.rps).join('/')} vs owner ${runs.owner.map((r) => r.rps).join('/')} req/s`;
        record({ workload: name, rows: SMALL_ROWS, result: owner, note: `${extra.ownerSeesPending ? 'sees own pending' : 'MISSING own pending'}; paired: ${perRun}` });
        const meanRps = (list: LoadResult[]) => list.reduce((sum, r) => sum + r.rps, 0) / list.length;
        // What a read costs the server, which the machine's drift moves far less than the rates.
        const meanCpu = (list: LoadResult[]) => round2(list.reduce((sum, r) => sum + (r.cpuMsPerRequest ?? 0), 0) / list.length);
        return { ratio: round2(meanRps(runs.owner) / meanRps(runs.cached)), perRun, owner, cpu: { cached: meanCpu(runs.cached), owner: meanCpu(runs.owner) } };
      };
      const plain = await pairs('read with owner token (own pending merged)', identity, 2);
      figure('owner-token read vs cached read', `${plain.ratio} (${plain.perRun}; p99 ${plain.owner.p99} ms)`, `>= ${TARGETS.ownerVsRead}`, plain.ratio >= TARGETS.ownerVsRead);
      const browser = await pairs('read with owner token (gzip accepted)', compressed, 2);
      figure('owner-token read vs cached read, compression accepted', `${browser.ratio} (${browser.perRun}; p99 ${browser.owner.p99} ms)`, `>= ${TARGETS.ownerVsRead}`, browser.ratio >= TARGETS.ownerVsRead);
      figure('server CPU per read, owner-token vs cached (identity / compressed)', `${plain.cpu.owner} vs ${plain.cpu.cached} ms / ${browser.cpu.owner} vs ${browser.cpu.cached} ms`);
    }

    let queueSmall: LoadResult | undefined;
    if (selected('counts')) {
      log('counts');
      const countsPath = `/api/v1/sites/${SITE}/counts?` + Array.from({ length: 50 }, (_, i) => `page=${encodeURIComponent(`/p/${i + 1}`)}`).join('&');
      record({ workload: 'counts (50 pages)', rows: SMALL_ROWS, result: await load(parley.url + countsPath, {}) });
    }
    if (selected('queue') || selected('scale')) {
      log('moderation queue');
      await load(parley.url + queuePath, { seconds: 2, headers: auth }); // warm-up, as for the reads
      queueSmall = await load(parley.url + queuePath, { headers: auth });
      record({ workload: 'moderation queue (50 pending)', rows: SMALL_ROWS, result: queueSmall });
    }
    const plansSmall = await explainHotQueries(pool);

    let writeCreated = 0;
    if (selected('write') || selected('worker')) {
      log('write baseline: minimal node:http + pg server');
      const baseline = await startBaseline();
      serverPids.set(baseline.url, baseline.proc.pid!);
      await runWrite(baseline.url, WRITE_WARM_UP_SECONDS, 'baseline-');
      const baseWrite = await runWrite(baseline.url, SECONDS, 'baseline-');
      record({ workload: 'baseline write (node:http + pg)', result: baseWrite.result, note: `${baseWrite.created} created` });
      await stopChild(baseline);
      // The baseline's rows and jobs are not Parley's: out of the way of the worker run.
      await pool.query(`DELETE FROM "Job"`);
      // A live site's planner statistics know its comments; the freshly seeded write site's do not until analysed.
      await pool.query(`ANALYZE "Comment"`);
      await pool.query(`ANALYZE "Page"`);

      log(`write (${WRITE_WARM_UP_SECONDS} s warm-up, then ${SECONDS} s measured)`);
      const warmUp = await runWrite(parley.url, WRITE_WARM_UP_SECONDS);
      record({ workload: 'write warm-up (first POSTs of this process)', result: warmUp.result, note: `${warmUp.created} created; not a figure` });
      const xactBefore = await transactions(pool);
      const writeRun = await runWrite(parley.url, SECONDS);
      const xacts = (await transactions(pool)) - xactBefore;
      writeCreated = writeRun.created;
      const perPost = round2(xacts / Math.max(1, writeRun.result.requests));
      record({ workload: 'write (held comment + job, many IPs)', result: writeRun.result, note: `${writeRun.created} created; ${perPost} db transactions/POST` });
      const ratio = round2(writeRun.result.rps / Math.max(1, baseWrite.result.rps));
      extra.write = { transactionsPerPost: perPost, baseline: baseWrite.result, parley: writeRun.result };
      figure('write, comments/s at 32 connections', writeRun.result.rps, `>= ${TARGETS.writeRps}`, writeRun.result.rps >= TARGETS.writeRps);
      figure('write p99', `${writeRun.result.p99} ms`, `< ${TARGETS.writeP99Ms} ms`, writeRun.result.p99 < TARGETS.writeP99Ms);
      figure('bare write baseline (node:http + pg)', `${baseWrite.result.rps}/s, p99 ${baseWrite.result.p99} ms`);
      figure('write vs bare write baseline', `${ratio}x`, `>= ${TARGETS.writeVsBaseline}`, ratio >= TARGETS.writeVsBaseline);
      figure('database transactions per POST (round trips)', perPost);
      figure('server CPU per POST (Parley vs baseline)', `${writeRun.result.cpuMsPerRequest} ms vs ${baseWrite.result.cpuMsPerRequest} ms`);
      // Where the 2 cores went (with the load generator): Node runs the requests on one thread, so 1000 / its
      // CPU per POST roughly bounds the rate, whatever Postgres has left.
      figure('Postgres CPU per POST (Parley vs baseline)', `${writeRun.result.postgresCpuMsPerRequest} ms vs ${baseWrite.result.postgresCpuMsPerRequest} ms`);
    }

    if (selected('moderate')) {
      log('moderate');
      const ids = await pendingIds(pool, 50_000);
      let next = 0;
      const moderate = await load(parley.url, {
        headers: auth,
        requests: [
          { method: 'GET', path: `/api/v1/moderation/comments?status=pending&site=${SITE}&limit=20` },
          { method: 'POST', setupRequest: (req) => ({ ...req, path: `/api/v1/moderation/comments/${ids[next++ % ids.length]}/approve` }) },
        ],
      });
      record({ workload: 'moderate (list + approve, alternating)', result: moderate, note: `${Math.round(moderate.rps / 2)} approvals/s` });
    }

    if (selected('worker')) {
      log('worker: a second Parley process drains the queued notifications into an SMTP sink');
      // One email per held comment (the flood digest off): the per-comment cost, and whether it keeps up with writes.
      const w = await runWorkerDrain(pool, notePeakRss, { NOTIFY_FLOOD_THRESHOLD: '0' });
      figure('worker, jobs/s (one email per comment)', `${w.jobsPerSecond} (${w.jobs} jobs: ${w.comments} comments notified in ${w.seconds} s, ${w.commentsPerSecond} comments/s${w.drained ? '' : ', NOT drained'})`, `>= write rate (${writeCreated} comments written in ${SECONDS} s)`, w.commentsPerSecond >= Math.round(writeCreated / SECONDS));
      figure('worker, CPU per job', `${w.cpuMsPerJob} ms (${w.cpuMsPerComment} ms per held comment, ${w.emails} emails; ~${w.dbTransactionsPerJob} db transactions per job)`);
      // The same wave with the default settings: it is a spam wave (NOTIFY_FLOOD_THRESHOLD, 20 held comments in
      // 10 minutes), so the moderator gets one digest instead of an email per comment.
      await pool.query(`DELETE FROM "Job" WHERE "kind" IN ('send_moderator_email', 'send_moderator_digest')`);
      await pool.query(`UPDATE "Job" SET "status" = 'queued', "attempts" = 0, "runAt" = timezone('UTC', now()), "finishedAt" = NULL WHERE "kind" = 'notify_new_comment'`);
      await pool.query(`UPDATE "SiteModerator" SET "lastDigestAt" = NULL`);
      const d = await runWorkerDrain(pool, notePeakRss, {});
      extra.worker = { perComment: w, floodDigest: d };
      figure('worker in a spam wave (default flood digest)', `${d.commentsPerSecond} comments/s (${d.comments} comments in ${d.seconds} s${d.drained ? '' : ', NOT drained'}; ${d.emails} email${d.emails === 1 ? '' : 's'} sent; ${d.cpuMsPerComment} ms CPU per comment)`);
    }

    // Sections other engineers add (bench/embedded.ts, bench/console.ts), each exporting run(api).
    for (const name of OPTIONAL_SECTIONS) {
      if (!selected(name)) continue;
      const file = path.join(__dirname, `${name}.ts`);
      if (!fs.existsSync(file)) continue;
      log(`section ${name}`);
      const details: Record<string, unknown> = {};
      extra[name] = details;
      try {
        const mod = (await import(`./${name}`)) as { run?: (api: BenchApi) => Promise<void> };
        await mod.run?.({
          log, record: (row) => rows.push(row), details, figure, seconds: SECONDS, connections: CONNECTIONS, load: runLoad,
          parleyUrl: parley.url, apiKey, site: SITE, readPath, notePeakRss,
        });
      } catch (err) {
        log(`section ${name} failed: ${(err as Error).stack ?? err}`);
        figure(`section ${name}`, 'FAILED', 'runs', false);
      }
    }

    let plansBig: Record<string, string> | undefined;
    let scale: Record<string, number> | undefined;
    if (selected('scale')) {
      // The machine's speed drifts by up to 1.5x from one minute to the next, so the 1M figures are not compared
      // with the 10k ones measured minutes earlier: a copy of the database as it is now (before growing) gets a
      // Parley of its own, and the two are measured in alternation, each workload twice on each.
      const smallDb = `${DB_NAME}_small`;
      sampleRss(parleyPid);
      extra.firstProcessStop = await stopChild(parley);
      // Vacuumed first, as growComments vacuums the grown one: the list + approve workload left dead rows at the
      // head of the pending queue, and the copy measured 0.6-0.7 of the grown database's queue speed without this.
      await pool.query('VACUUM ANALYZE "Comment"');
      await pool.end();
      pool = new Pool({ connectionString: dbUrl(DB_NAME), max: 2 });
      await copyDatabase(DB_NAME, smallDb);
      extraDatabases.push(smallDb);
      log(`growing to ${SCALE_ROWS} comments (set-based SQL); the database as it was kept as ${smallDb}`);
      const growStart = Date.now();
      await growComments(pool, SCALE_ROWS);
      extra.seedMillionSeconds = Math.round((Date.now() - growStart) / 1000);
      // Let the million-row insert's checkpoint finish now, not during the measurements (growComments vacuumed).
      await pool.query('CHECKPOINT');
      extra.autovacuumWaitSeconds = await waitForAutovacuum(pool);
      const bigRows = await commentCount(pool);
      const smallPool = new Pool({ connectionString: dbUrl(smallDb), max: 1 });
      const smallRows = await commentCount(smallPool);
      await smallPool.end();
      parley = await startParley();
      const small = await startParley({}, smallDb);
      for (const child of [parley, small]) {
        serverPids.set(child.url, child.proc.pid!);
        children.push(child);
      }
      parleyPid = parley.proc.pid!;
      log(`${bigRows} comments vs ${smallRows}; fresh Parleys (pids ${parleyPid} and ${small.proc.pid}), measured in alternation`);
      const paired = async (name: string, pathAndQuery: string, headers: Record<string, string>) => {
        // Warmed up as the first process was (unwarmed, the queue cost 1.8-2.1 ms of CPU per request against 1.4-1.6).
        for (const child of [small, parley]) await load(child.url + pathAndQuery, { seconds: 2, headers });
        const runs: { small: LoadResult[]; big: LoadResult[] } = { small: [], big: [] };
        for (let round = 0; round < 2; round++) {
          runs.small.push(await load(small.url + pathAndQuery, { headers }));
          sampleRss(small.proc.pid!);
          runs.big.push(await load(parley.url + pathAndQuery, { headers }));
        }
        const rps = (list: LoadResult[]) => list.reduce((sum, r) => sum + r.rps, 0) / list.length;
        const last = runs.big[runs.big.length - 1];
        record({ workload: name, rows: bigRows, result: last, note: `paired: ${runs.small.map((r) => r.rps).join('/')} on ${smallRows.toLocaleString('en')} vs ${runs.big.map((r) => r.rps).join('/')} req/s` });
        return ratio(rps(runs.small), rps(runs.big));
      };
      scale = {
        read: await paired('read (identity)', readPath, { 'Accept-Encoding': 'identity' }),
        ownerRead: await paired('read with owner token (own pending merged)', readPath, ownerHeaders),
        moderationQueue: await paired('moderation queue (50 pending)', queuePath, auth),
      };
      sampleRss(small.proc.pid!);
      extra.smallProcessStop = await stopChild(small);
      plansBig = await explainHotQueries(pool);
      figure('moderation queue, 1M rows vs 10k rows (req/s ratio)', scale.moderationQueue, `<= ${TARGETS.scaleRatio}`, scale.moderationQueue <= TARGETS.scaleRatio);
      const worst = Math.max(...Object.values(scale));
      figure('worst scale ratio (read, owner read, queue)', worst, `<= ${TARGETS.scaleRatio}`, worst <= TARGETS.scaleRatio);
    }

    sampleRss(parleyPid);
    const stopped = await stopChild(parley);
    log(`Parley stopped with ${stopped.code} in ${stopped.ms} ms`);
    figure('peak RSS over the whole bench (every Parley process)', `${peakRss} MB`, `< ${TARGETS.peakRssMb} MB`, peakRss < TARGETS.peakRssMb);
    figure('SIGTERM exit', `${stopped.code} in ${stopped.ms} ms`, 'exit 0', stopped.code === 0);

    const results = {
      date: new Date().toISOString(),
      command: `npm run bench${args.length ? ' -- ' + args.join(' ') : ''}`,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      postgres: (await pool.query<{ v: string }>('SHOW server_version')).rows[0].v,
      settings: { connections: CONNECTIONS, secondsPerWorkload: SECONDS, logLevel: LOG_LEVEL, runner: `node ${[...NODE_FLAGS, SERVER_JS].join(' ')} (NODE_ENV=production)`, workloads: WORKLOADS.filter(selected) },
      // Other work on the machine skews every figure: the 1-minute load average before and after the run.
      loadAverage: { before: loadBefore.map((l) => Math.round(l * 10) / 10), after: os.loadavg().map((l) => Math.round(l * 10) / 10) },
      figures,
      workloads: rows.map((r) => ({ workload: r.workload, rows: r.rows, note: r.note, rssMb: r.rssMb, ...r.result })),
      scale,
      peakRssMb: peakRss,
      details: extra,
      explain: { [`${SMALL_ROWS}`]: plansSmall, ...(plansBig ? { big: plansBig } : {}) },
      totalSeconds: Math.round((Date.now() - t0) / 1000),
    };
    const dir = path.join(ROOT, 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${results.date.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
    printTable(rows, figures, file, results.totalSeconds);
    process.stdout.write(`load average before ${results.loadAverage.before[0]}, after ${results.loadAverage.after[0]} (2 cores; anything above ~2 means other work competed)\n`);
  } finally {
    await pool.end().catch(() => {});
    for (const child of children) if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
    if (!process.env.BENCH_KEEP_DB) for (const name of [DB_NAME, ...extraDatabases]) await dropDatabase(name);
  }

  /** POSTs distinct comments to the pre-moderated site from many simulated client addresses (X-Forwarded-For, TRUST_PROXY=1). */
  async function runWrite(baseUrl: string, seconds: number, prefix = ''): Promise<{ result: LoadResult; created: number }> {
    const start = await commentCount(pool);
    const postgresBefore = postgresCpuMs();
    const result = await withCpu(baseUrl, () => runLoad({
      url: baseUrl,
      connections: CONNECTIONS,
      seconds,
      requests: [
        {
          method: 'POST',
          path: `/api/v1/sites/${WRITE_SITE}/comments`,
          headers: { 'Content-Type': 'application/json' },
          setupRequest: (req) => ({ ...req, ...writeRequest(prefix) }),
        },
      ],
    }));
    result.postgresCpuMsPerRequest = round2((postgresCpuMs() - postgresBefore) / Math.max(1, result.requests));
    return { result, created: (await commentCount(pool)) - start };
  }
}

/** Server processes by URL, so each load can report the CPU its server spent per request. */
const serverPids = new Map<string, number>();

/** Runs a load and adds the server's CPU time per request (user + system; robust to other work on the machine). */
async function withCpu(url: string, run: () => Promise<LoadResult>): Promise<LoadResult> {
  const pid = [...serverPids.entries()].find(([base]) => url.startsWith(base))?.[1];
  const before = pid ? cpuMs(pid) : 0;
  const result = await run();
  if (pid) result.cpuMsPerRequest = round2((cpuMs(pid) - before) / Math.max(1, result.requests));
  return result;
}

/** Committed transactions on the bench database so far (each autocommit statement is one; stats flush within ~1 s). */
async function transactions(pool: Pool, settle = true): Promise<number> {
  if (settle) await new Promise((r) => setTimeout(r, 1200));
  const { rows } = await pool.query<{ n: string }>(`SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()`);
  return Number(rows[0].n);
}

/**
 * Starts a second Parley (worker on, SMTP to a sink in this process, `env` on top) on the queue the write
 * workload left, and measures until it is drained (at most 120 s): jobs finished per second, the process's
 * CPU per job, and the emails the sink received.
 */
async function runWorkerDrain(pool: Pool, notePeakRss: (mb: number) => void, env: Record<string, string>) {
  const sink = await startSmtpSink();
  const count = async () =>
    (await pool.query<{ open: number; done: number; comments: number }>(
      // Due work only: scheduled jobs (a daily sweep, a digest's next slot) are not a backlog.
      `SELECT count(*) FILTER (WHERE "status" = 'running' OR ("status" IN ('queued', 'retrying') AND "runAt" <= timezone('UTC', now())))::int AS open,
              count(*) FILTER (WHERE "status" IN ('sent', 'dead'))::int AS done,
              count(*) FILTER (WHERE "status" IN ('sent', 'dead') AND "kind" = 'notify_new_comment')::int AS comments
       FROM "Job"`,
    )).rows[0];
  const before = await count();
  const worker = await startParley({ WORKER_ENABLED: 'true', SMTP_URL: `smtp://127.0.0.1:${sink.port}`, WORKER_POLL_MS: '200', ...env });
  const pid = worker.proc.pid!;
  const xact0 = await transactions(pool, false);
  const cpu0 = cpuMs(pid);
  const emails0 = sink.count();
  const started = Date.now();
  let now = before;
  while (Date.now() - started < 120_000) {
    await new Promise((r) => setTimeout(r, 250));
    now = await count();
    if (now.open === 0) break;
  }
  const seconds = (Date.now() - started) / 1000;
  const cpu = cpuMs(pid) - cpu0;
  const xacts = (await transactions(pool)) - xact0 - Math.ceil(seconds * 4); // minus this loop's own query per poll
  notePeakRss(memoryMb(pid).hwm);
  const rss = memoryMb(pid);
  await stopChild(worker);
  await sink.stop();
  const jobs = now.done - before.done;
  const comments = now.comments - before.comments;
  return {
    jobs,
    comments,
    emails: sink.count() - emails0,
    seconds: round2(seconds),
    drained: now.open === 0,
    jobsPerSecond: Math.round(jobs / seconds),
    commentsPerSecond: Math.round(comments / seconds),
    cpuMs: Math.round(cpu),
    cpuMsPerJob: round2(cpu / Math.max(1, jobs)),
    cpuMsPerComment: round2(cpu / Math.max(1, comments)),
    dbTransactionsPerJob: round2(xacts / Math.max(1, jobs)),
    rssMb: rss,
  };
}

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
const round2 = (n: number) => Math.round(n * 100) / 100;

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

function printTable(rows: Row[], figures: Figure[], file: string, seconds: number) {
  const head = ['workload', 'comments', 'req/s', 'p50 ms', 'p99 ms', 'B/resp', 'non-2xx', 'RSS MB', 'CPU ms/req', 'note'];
  const body = rows.map((r) => [
    r.workload,
    r.rows ? r.rows.toLocaleString('en') : '',
    String(r.result.rps),
    String(r.result.p50),
    String(r.result.p99),
    String(r.result.bytesPerResponse),
    String(r.result.non2xx + r.result.errors + r.result.timeouts),
    r.rssMb ? String(r.rssMb.rss) : '',
    r.result.cpuMsPerRequest === undefined ? '' : String(r.result.cpuMsPerRequest),
    r.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 || i === 9 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  const out = [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(line)];
  out.push('', 'Figures (issue 11):');
  for (const f of figures) {
    const mark = f.met === undefined ? '       ' : f.met ? 'MET    ' : 'NOT MET';
    out.push(`${mark}  ${f.name}: ${f.value}${f.target ? ` (target ${f.target})` : ''}`);
  }
  out.push('', `results: ${path.relative(ROOT, file)}  (${seconds} s)`);
  process.stdout.write(out.join('\n') + '\n');
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}

