import crypto from 'node:crypto';
import type { Express } from 'express';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import type { AppContext } from '../../src/context';
import { newApiKey } from '../../src/http/moderatorAuth';
import type { SiteSettings } from '../../src/sites/siteSettings';
import { createTestDatabase, type TestDatabase } from './testDb';

export const TEST_PUBLIC_URL = 'http://parley.test';
export const TEST_ORIGIN = 'https://news.example';

export interface TestApp {
  db: TestDatabase;
  ctx: AppContext;
  app: Express;
  /** Moves the clock used by the service (rules, rate limits, expiries). */
  clock: { now: Date; advance(ms: number): void };
  close(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WORKER_ENABLED: 'false', DATA_DIR: `/tmp/parley-test-${process.pid}`, ...env });
}

/** A migrated private database, an AppContext on it with a controllable clock, and the Express app. */
export async function createTestApp(opts: { env?: Record<string, string>; realClock?: boolean } = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const clock = {
    now: new Date(),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const ctx: AppContext = {
    config: testConfig(opts.env),
    prisma: db.prisma,
    pool: db.pool,
    writePool: db.writePool,
    log: pino({ level: 'silent' }),
    now: opts.realClock ? () => new Date() : () => clock.now,
    secretKey: crypto.randomBytes(32),
    publicUrl: TEST_PUBLIC_URL,
  };
  return { db, ctx, app: createApp(ctx), clock, close: () => db.close() };
}

let siteCounter = 0;
/**
 * A site open to TEST_ORIGIN. Unless the test says otherwise: no form-timing check and flood limits far above
 * what a test posts (every supertest request comes from one IP).
 */
export async function createSite(
  ctx: AppContext,
  opts: { id?: string; settings?: Partial<SiteSettings>; allowedOrigins?: string[] } = {},
) {
  const id = opts.id ?? `site-${process.pid}-${++siteCounter}`;
  await ctx.prisma.site.create({
    data: {
      id,
      name: `Site ${id}`,
      allowedOrigins: opts.allowedOrigins ?? [TEST_ORIGIN],
      settings: {
        minSubmitSeconds: 0,
        rateLimit: { perIp: { max: 100_000, windowSeconds: 60 }, perEmail: { max: 100_000, windowSeconds: 60 } },
        ...opts.settings,
      },
    },
  });
  return id;
}

let moderatorCounter = 0;
export async function createModerator(
  ctx: AppContext,
  opts: { siteIds: string[]; name?: string; email?: string; role?: 'moderator' | 'admin' },
): Promise<{ id: string; apiKey: string; email: string; name: string }> {
  const n = ++moderatorCounter;
  const name = opts.name ?? `Moderator ${n}`;
  const email = opts.email ?? `mod${n}.${process.pid}@moderators.example`;
  const { key, hash } = newApiKey();
  const moderator = await ctx.prisma.moderator.create({ data: { name, email } });
  for (const siteId of opts.siteIds) {
    await ctx.prisma.siteModerator.create({ data: { siteId, moderatorId: moderator.id, role: opts.role ?? 'moderator' } });
  }
  await ctx.prisma.apiKey.create({ data: { moderatorId: moderator.id, keyHash: hash } });
  return { id: moderator.id, apiKey: key, email, name };
}

let commentCounter = 0;
/** A valid comment body for the public endpoint; distinct text each time (no duplicates). */
export function commentInput(overrides: Record<string, unknown> = {}) {
  const n = ++commentCounter;
  return {
    page: '/2026/01/carney-beijing',
    pageUrl: 'https://news.example/2026/01/carney-beijing',
    pageTitle: "Canada's Strategic Shift",
    name: 'Jane Reader',
    email: `jane${n}@example.org`,
    body: `A thoughtful comment number ${n} about the article.`,
    ...overrides,
  };
}
