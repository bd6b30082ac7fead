import type { Express } from 'express';
import type { Pool, PoolClient } from 'pg';
import request from 'supertest';
import { createApp } from '../../src/app';
import type { AppContext } from '../../src/context';
import { createPool } from '../../src/db/pool';
import { createPrismaClient } from '../../src/db/prismaClient';
import { GenerationCache, trackWrites } from '../../src/db/singleWriterCache';
import { commentInput, createModerator, createSite, createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/testApp';

/**
 * Embedded mode (one process, one connection): a repeated cached thread read needs no query at all, and
 * every write through the pool (a new comment, a moderator's decision, any SQL) shows in the next read.
 */
let t: TestApp;
let pool: Pool;
let ctx: AppContext;
let app: Express;
let site: string;
let apiKey: string;
let queries = 0;

beforeAll(async () => {
  t = await createTestApp({ realClock: true });
  pool = createPool({
    connectionString: t.db.mode === 'server' ? process.env.TEST_DATABASE_URL! : t.db.url,
    schema: t.db.schema ?? undefined, max: 1, connectTimeoutMs: 30_000,
  });
  const writes = trackWrites(pool);
  pool.on('connect', (client: PoolClient) => {
    const query = client.query;
    client.query = function (this: PoolClient, ...args: unknown[]) {
      queries++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as PoolClient['query'];
  });
  ctx = { ...t.ctx, pool, writePool: pool, prisma: createPrismaClient(pool, t.db.schema ?? undefined), pageRows: new GenerationCache(writes) };
  app = createApp(ctx);
  site = await createSite(ctx, { settings: { mode: 'post' } });
  apiKey = (await createModerator(ctx, { siteIds: [site] })).apiKey;
});
afterAll(async () => {
  await ctx.prisma.$disconnect();
  await pool.end();
  await t.close();
});

const names = async () => {
  const res = await request(app).get(`/api/v1/sites/${site}/comments`).query({ page: '/cached' }).expect(200);
  return { title: res.body.page.title as string | null, names: (res.body.comments as Array<{ name: string }>).map((c) => c.name) };
};
const post = (name: string) =>
  request(app).post(`/api/v1/sites/${site}/comments`).set('Origin', TEST_ORIGIN).send(commentInput({ page: '/cached', name, pageTitle: 'First title' })).expect(201);

test('a repeated read is served without a query; each kind of write shows at once', async () => {
  const first = await post('First Reader');
  expect((await names()).names).toEqual(['First Reader']);
  const before = queries;
  expect((await names()).names).toEqual(['First Reader']);
  expect(queries - before).toBe(0);

  await post('Second Reader');
  expect((await names()).names).toEqual(['First Reader', 'Second Reader']);

  await request(app).post(`/api/v1/moderation/comments/${first.body.comment.id}/reject`).set('Authorization', `Bearer ${apiKey}`).expect(200);
  expect((await names()).names).toEqual(['Second Reader']);

  await pool.query(`UPDATE "Page" SET "title" = 'Renamed', "version" = "version" + 1 WHERE "siteId" = $1 AND "key" = '/cached'`, [site]);
  expect(await names()).toEqual({ title: 'Renamed', names: ['Second Reader'] });
  const again = queries;
  await names();
  expect(queries - again).toBe(0);
});
