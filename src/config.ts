import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting Parley reads from the environment, parsed once at start-up.
 * A bad value stops the process with a message naming each bad variable (never its value,
 * since some are secrets). .env.example documents each one.
 */
const optionalString = z
  .string()
  .transform((s) => (s.trim() === '' ? undefined : s.trim()))
  .optional();

const boolFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** Public base URL of this service, used in emails and one-click links. */
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  /** Postgres connection string. Unset: run the embedded Postgres (PGlite) in DATA_DIR. */
  DATABASE_URL: optionalString,
  /** Postgres schema for Parley's tables (default: the server's search_path, usually public). */
  DATABASE_SCHEMA: optionalString.pipe(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a plain schema name').optional()),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Fail a query that waits longer than this for a connection, so requests fail fast with 503. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(2000),
  DATA_DIR: z.string().default('./data'),
  /** Port of the embedded Postgres socket (0: any free port). */
  EMBEDDED_DB_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Key for signing one-click links, owner tokens and form timestamps. At least 32 characters. */
  SECRET_KEY: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  SMTP_URL: optionalString,
  SMTP_HOST: optionalString,
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SMTP_USER: optionalString,
  SMTP_PASS: optionalString,
  SMTP_SECURE: boolFromEnv.optional(),
  MAIL_FROM: z.string().default('Parley <parley@localhost>'),
  /** Run the notification worker in this process. */
  WORKER_ENABLED: boolFromEnv.default(true),
  WORKER_POLL_MS: z.coerce.number().int().min(10).default(1000),
  /**
   * A spam wave: when more than this many comments of a site were held in the last 10 minutes, moderators
   * who get one email per comment get a digest instead (at most one per 15 minutes) until it passes. 0: off.
   */
  NOTIFY_FLOOD_THRESHOLD: z.coerce.number().int().min(0).default(20),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Trust X-Forwarded-For from this many proxies (Express "trust proxy"). */
  TRUST_PROXY: z.coerce.number().int().min(0).default(0),
  /** Maximum accepted request body, in bytes. */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(64 * 1024),
  /** Largest file POST /api/v1/moderation/sites/{site}/import accepts (streamed, never held in memory), in bytes. */
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).default(512 * 1024 * 1024),
  /** Create the demo site and its moderator on first start (default: on in embedded mode). */
  DEMO_SITE: boolFromEnv.optional(),
  /** Bearer token that unlocks GET /metrics on the main port. Unset (and no METRICS_PORT): /metrics is not served. */
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** Serve /metrics (no token) on this separate port instead, on HOST; keep that port off the internet. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** A streaming replica of DATABASE_URL: public thread, count and feed reads go there while it keeps up. */
  DATABASE_REPLICA_URL: optionalString,
  /** Send reads back to the primary when the replica is this far behind (milliseconds). */
  DATABASE_REPLICA_MAX_LAG_MS: z.coerce.number().int().min(100).default(5000),
  /** Comments older than this many days lose their IP address and user agent (daily job). */
  IP_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Let webhooks reach loopback, private and link-local addresses (tests, a receiver on the same LAN). */
  WEBHOOK_ALLOW_PRIVATE: boolFromEnv.default(false),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string | undefined;
  databaseUrl: string | undefined;
  databaseSchema: string | undefined;
  databasePoolSize: number;
  databaseConnectTimeoutMs: number;
  dataDir: string;
  embeddedDbPort: number;
  secretKey: string | undefined;
  smtp: Readonly<{
    url?: string;
    host?: string;
    port?: number;
    user?: string;
    pass?: string;
    secure?: boolean;
  }>;
  mailFrom: string;
  workerEnabled: boolean;
  workerPollMs: number;
  notifyFloodThreshold: number;
  logLevel: string;
  trustProxy: number;
  bodyLimitBytes: number;
  importMaxBytes: number;
  demoSite: boolean | undefined;
  metricsToken: string | undefined;
  metricsPort: number | undefined;
  databaseReplicaUrl: string | undefined;
  databaseReplicaMaxLagMs: number;
  ipRetentionDays: number;
  webhookAllowPrivate: boolean;
}>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL,
    databaseSchema: e.DATABASE_SCHEMA,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseConnectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
    dataDir: path.resolve(e.DATA_DIR),
    embeddedDbPort: e.EMBEDDED_DB_PORT,
    secretKey: e.SECRET_KEY,
    smtp: Object.freeze({
      url: e.SMTP_URL,
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      user: e.SMTP_USER,
      pass: e.SMTP_PASS,
      secure: e.SMTP_SECURE,
    }),
    mailFrom: e.MAIL_FROM,
    workerEnabled: e.WORKER_ENABLED,
    workerPollMs: e.WORKER_POLL_MS,
    notifyFloodThreshold: e.NOTIFY_FLOOD_THRESHOLD,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    importMaxBytes: e.IMPORT_MAX_BYTES,
    demoSite: e.DEMO_SITE,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    databaseReplicaUrl: e.DATABASE_REPLICA_URL,
    databaseReplicaMaxLagMs: e.DATABASE_REPLICA_MAX_LAG_MS,
    ipRetentionDays: e.IP_RETENTION_DAYS,
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
  });
}
