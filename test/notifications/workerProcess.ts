/**
 * A notification worker in its own process, for the crash test: started with tsx, killed with SIGKILL.
 * Env: PARLEY_TEST_DB_URL, PARLEY_TEST_DB_SCHEMA, PARLEY_TEST_SMTP_PORT, PARLEY_TEST_WORKER_ID, PARLEY_TEST_SECRET (hex).
 */
import pino from 'pino';
import { loadConfig } from '../../src/config';
import type { AppContext } from '../../src/context';
import { createPool } from '../../src/db/pool';
import { createPrismaClient } from '../../src/db/prismaClient';
import { createSmtpTransport } from '../../src/notifications/mailTransport';
import { startWorker } from '../../src/notifications/worker';

const env = process.env;
const schema = env.PARLEY_TEST_DB_SCHEMA || undefined;
const pool = createPool({ connectionString: env.PARLEY_TEST_DB_URL!, max: 2, connectTimeoutMs: 5000, schema });
const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SMTP_HOST: '127.0.0.1', SMTP_PORT: env.PARLEY_TEST_SMTP_PORT });
const ctx: AppContext = {
  config,
  prisma: createPrismaClient(pool, schema),
  pool,
  log: pino({ level: 'silent' }),
  now: () => new Date(),
  secretKey: Buffer.from(env.PARLEY_TEST_SECRET!, 'hex'),
  publicUrl: 'http://parley.test',
};
// Long SMTP timeouts: this worker must be stuck in its send when the test kills it.
const transport = createSmtpTransport(config, { connectionTimeout: 60_000, greetingTimeout: 60_000, socketTimeout: 60_000 });
startWorker(ctx, { transport, workerId: env.PARLEY_TEST_WORKER_ID, pollMs: 20, leaseMs: 60_000, concurrency: 1 });
process.stdout.write('started\n');
