// First: it must run before the other modules load (see there).
import { keepYoungGenerationSmall } from './youngGeneration';
import http from 'node:http';
import { createAppServer } from './http/appServer';
import express, { type RequestHandler } from 'express';
import { createApp } from './app';
import { ensureDemoSite, loadSecretKey } from './bootstrap';
import { ConfigError, loadConfig, type Config } from './config';
import type { AppContext } from './context';
import { connectDatabase } from './db/connectDatabase';
import { GenerationCache } from './db/singleWriterCache';
import { createLogger } from './logger';
import { startWorker } from './notifications/worker';
import { scheduleRetentionSweep } from './privacy/retention';

const SHUTDOWN_STEP_MS = 8_000;
const DB_CLOSE_MS = 5_000;
/** Backstop after SIGTERM: the three bounded steps plus margin; the process exits by then whatever happens. */
const HARD_EXIT_MS = 3 * SHUTDOWN_STEP_MS + DB_CLOSE_MS;

/** Starts Parley: config -> database (migrated) -> HTTP -> worker. Returns a function that stops it in order. */
export async function startServer(config: Config) {
  keepYoungGenerationSmall(!config.databaseUrl);
  const log = createLogger(config.logLevel);
  const db = await connectDatabase(config, log);
  if (config.databaseReplicaUrl && db.embedded) log.warn('DATABASE_REPLICA_URL needs DATABASE_URL: ignored with the embedded database');
  const secret = loadSecretKey(config);
  if (secret.generated && config.databaseUrl) {
    log.warn('SECRET_KEY is not set: generated one in DATA_DIR. Set SECRET_KEY when running several instances.');
  }

  const { server, serve } = createAppServer();
  // Slow clients must not hold connections open: a whole request has 30 s, its headers 10 s.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address() as { port: number };
  const publicUrl = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${address.port}`;

  const ctx: AppContext = { config, prisma: db.prisma, pool: db.pool, writePool: db.writePool, log, now: () => new Date(), secretKey: secret.key, publicUrl, readReplica: db.readReplica ?? undefined,
    pageRows: db.writes ? new GenerationCache(db.writes) : undefined };
  let shuttingDown = false;
  let ready = false;
  const app = createApp(ctx, { shuttingDown: () => shuttingDown, ready: () => ready });
  serve(app);
  const metricsServer = config.metricsPort === undefined ? null : await listenMetrics(config, app.locals.serveMetrics);

  const demoWanted = config.demoSite ?? !config.databaseUrl;
  if (demoWanted) {
    const demo = await ensureDemoSite(ctx);
    if (demo) {
      // Printed once, to the operator's terminal; only its hash is stored.
      process.stdout.write(
        `\n  Demo site "demo" created. Moderator API key (shown once, keep it):\n\n    ${demo.apiKey}\n\n`,
      );
    }
  }
  // The worker stops within one shutdown step, so SIGTERM still ends in time.
  const worker = config.workerEnabled ? startWorker(ctx, { stopTimeoutMs: SHUTDOWN_STEP_MS - 1000 }) : null;
  // Today's retention sweep (IPs, finished jobs, used links); the dedupe key keeps it to one per day across instances.
  if (worker) await scheduleRetentionSweep(ctx, ctx.now()).catch((err) => log.warn({ err: String(err) }, 'could not schedule the retention sweep'));
  ready = true;
  log.info({ url: publicUrl, database: db.embedded ? 'embedded' : 'server' }, 'Parley is listening');
  process.stdout.write(`  Parley is running at ${publicUrl}  (demo page: ${publicUrl}/demo)\n`);

  async function stop(): Promise<void> {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info('shutting down');
    // 1. stop accepting, let in-flight requests finish
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.race([closed, delay(SHUTDOWN_STEP_MS)]);
    server.closeAllConnections();
    // 2. stop the worker claiming jobs, let its current send finish
    await Promise.race([worker?.stop(), delay(SHUTDOWN_STEP_MS)]);
    metricsServer?.close();
    metricsServer?.closeAllConnections();
    // 3. close the database; a database that stopped answering must not hold the process (pool.end waits for
    // every client, PGlite for its last query), so this step is bounded too.
    const dbClosed = await Promise.race([db.close().then(() => true, () => true), delay(DB_CLOSE_MS).then(() => false)]);
    if (!dbClosed) log.warn('the database did not close in time; exiting anyway');
  }
  return { ctx, server, publicUrl, stop };
}

/** GET /metrics alone, on its own port (METRICS_PORT), for a scraper on a private network. */
async function listenMetrics(config: Config, serve: RequestHandler): Promise<http.Server> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', serve);
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'Not found.' } });
  });
  const metricsServer = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    metricsServer.once('error', reject);
    metricsServer.listen(config.metricsPort, config.host, resolve);
  });
  return metricsServer;
}


function delay(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
}

if (require.main === module) {
  // The terminal or supervisor reading our output may be gone (closed pipe): logging must not crash or
  // wedge a shutdown, so write errors on stdout/stderr (EPIPE and the like) are ignored.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  startServer(config).then(
    ({ stop }) => {
      let signalled = false;
      const onSignal = () => {
        if (signalled) return;
        signalled = true;
        // Unref'd: it never keeps the process alive by itself, but ends it if something else does.
        setTimeout(() => process.exit(1), HARD_EXIT_MS).unref();
        stop().then(() => process.exit(0), () => process.exit(1));
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    },
    (err) => {
      process.stderr.write(`Parley could not start: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
