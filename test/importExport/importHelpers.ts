import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { TEST_ORIGIN, type TestApp } from '../helpers/testApp';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'import');
export const fixture = (name: string) => path.join(FIXTURES, name);
export const fixtureText = (name: string) => fs.readFileSync(fixture(name), 'utf8');

export interface Shape {
  name: string;
  text: string;
  createdAt: string;
  replies: Shape[];
}

interface ThreadComment {
  name: string;
  html: string;
  createdAt: string;
  replies?: ThreadComment[];
}

/** A thread as readers see it, without ids: who said what, when, under whom. */
export async function threadShape(t: TestApp, site: string, page: string): Promise<{ total: number; closed: boolean; comments: Shape[] }> {
  const res = await request(t.app).get(`/api/v1/sites/${site}/comments`).query({ page }).set('Origin', TEST_ORIGIN);
  if (res.status !== 200) throw new Error(`thread ${site} ${page}: ${res.status} ${JSON.stringify(res.body)}`);
  const shape = (c: ThreadComment): Shape => ({
    name: c.name,
    text: c.html.replace(/<[^>]*>/g, '').trim(),
    createdAt: c.createdAt,
    replies: (c.replies ?? []).map(shape),
  });
  return { total: res.body.total, closed: res.body.page?.closed ?? false, comments: res.body.comments.map(shape) };
}

/** Every page key of a site that has comments, and its thread shape. */
export async function siteShapes(t: TestApp, site: string) {
  const pages = await t.ctx.prisma.page.findMany({ where: { siteId: site }, orderBy: { key: 'asc' }, select: { key: true } });
  const out: Record<string, Awaited<ReturnType<typeof threadShape>>> = {};
  for (const p of pages) out[p.key] = await threadShape(t, site, p.key);
  return out;
}

/** Statuses, emails, websites, IPs and dates of every comment, keyed by import key (ids differ between sites). */
export async function storedComments(t: TestApp, site: string) {
  const rows = await t.ctx.prisma.comment.findMany({
    where: { siteId: site },
    orderBy: { importKey: 'asc' },
    select: { importKey: true, name: true, email: true, website: true, ip: true, status: true, body: true, createdAt: true, depth: true, page: { select: { key: true } } },
  });
  return rows.map(({ page, ...r }) => ({ ...r, page: page.key }));
}
