import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { commentInput, createModerator, createSite, createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/testApp';
import { deeplyNested, encodeHostile, headerSafe, HOSTILE, ONE_MB, sample } from './hostileStrings';

/**
 * Every field of every endpoint, driven with the Big List of Naughty Strings and our own hostile strings.
 * Whatever comes in: never a 5xx; every 4xx from the API carries the contract's error shape; and a
 * rejected request leaves the database as it was (row counts and page versions compared around each one).
 * Accepted hostile text is fine: it is stored as written and rendered inert (see test/api/badInput.test.ts).
 */
let t: TestApp;
let server: http.Server;
let base: string;
let site: string;
let otherSite: string;
let apiKey: string;
let parentId: string;
let editTarget: string;
const failures: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  const settings = { mode: 'post' as const, rateLimit: { perIp: { max: 1_000_000, windowSeconds: 60 }, perEmail: { max: 1_000_000, windowSeconds: 60 } } };
  site = await createSite(t.ctx, { settings });
  otherSite = await createSite(t.ctx, { settings });
  apiKey = (await createModerator(t.ctx, { siteIds: [site] })).apiKey;
  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  parentId = (await request(server).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page: '/p' })).expect(201)).body.comment.id;
  editTarget = (await request(server).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page: '/edit' })).expect(201)).body.comment.id;
});
beforeEach(() => {
  failures.length = 0;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

/** One round trip: the number of rows in every table a request could touch, and every page's version. */
async function dbState(): Promise<string> {
  const { rows } = await t.db.pool.query(`SELECT
    (SELECT count(*) FROM "Comment") AS comments, (SELECT count(*) FROM "Page") AS pages,
    (SELECT coalesce(sum("version"), 0) FROM "Page") AS versions, (SELECT count(*) FROM "AuditEvent") AS audit,
    (SELECT count(*) FROM "Job") AS jobs, (SELECT count(*) FROM "Site") AS sites, (SELECT count(*) FROM "Moderator") AS moderators,
    (SELECT count(*) FROM "ApiKey") AS keys, (SELECT count(*) FROM "Ban") AS bans, (SELECT count(*) FROM "VerifiedEmail") AS verified,
    (SELECT coalesce(max("updatedAt"), 'epoch') FROM "Comment") AS updated`);
  return JSON.stringify(rows[0]);
}

interface Probe { method: string; path: string; headers?: Record<string, string>; body?: string; html?: boolean }

async function probe(label: string, p: Probe): Promise<number> {
  const before = await dbState();
  let res: Response;
  try {
    res = await fetch(base + p.path, { method: p.method, headers: p.headers, body: p.body, redirect: 'manual' });
  } catch (err) {
    failures.push(`${label}: request failed: ${(err as Error).message}`);
    return 0;
  }
  const text = await res.text();
  if (res.status >= 500) {
    failures.push(`${label}: ${res.status} ${text.slice(0, 200)}`);
    return res.status;
  }
  // 431/414: Node's HTTP parser refuses oversized request heads before the app sees them (no body).
  if (res.status >= 400 && res.status !== 431 && res.status !== 414) {
    const json = (res.headers.get('content-type') ?? '').includes('application/json');
    if (!p.html || json) {
      let body: { error?: { code?: unknown; message?: unknown; fields?: unknown } } = {};
      try {
        body = JSON.parse(text);
      } catch {
        failures.push(`${label}: ${res.status} without a JSON error body: ${text.slice(0, 100)}`);
      }
      const e = body.error;
      const keys = e ? Object.keys(e).sort().join(',') : '';
      if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || !['code,message', 'code,fields,message'].includes(keys)) {
        failures.push(`${label}: ${res.status} error shape ${text.slice(0, 200)}`);
      }
      if (e?.fields !== undefined && (typeof e.fields !== 'object' || e.fields === null)) failures.push(`${label}: fields is not an object`);
    }
    const after = await dbState();
    if (after !== before) failures.push(`${label}: ${res.status} but the database changed: ${before} -> ${after}`);
  }
  return res.status;
}

const json = (body: unknown) => ({ headers: { 'Content-Type': 'application/json', Origin: TEST_ORIGIN }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const auth = () => ({ Authorization: `Bearer ${apiKey}` });
const SAMPLE = sample(16);

describe('hostile strings in every field', () => {
  const validComment = () => commentInput({ page: '/p' }) as Record<string, unknown>;
  const postFields = ['page', 'pageUrl', 'pageTitle', 'parentId', 'name', 'email', 'website', 'body', 'notifyReplies', 'hp', 'formToken'];

  test('POST /comments, JSON: the body gets the whole list, every other field a sample', async () => {
    for (const field of postFields) {
      const strings = field === 'body' ? HOSTILE : SAMPLE;
      for (const [i, s] of strings.entries()) {
        await probe(`POST comments ${field}#${i}`, { method: 'POST', path: `/api/v1/sites/${site}/comments`, ...json({ ...validComment(), [field]: s }) });
      }
    }
    expect(failures).toEqual([]);
  });

  test('POST /comments, HTML form, and replies under a real parent', async () => {
    for (const [i, s] of SAMPLE.entries()) {
      const form = new URLSearchParams({ page: '/form', name: s || 'x', email: `form${i}@example.org`, body: s, website: s, pageUrl: 'https://news.example/form' });
      await probe(`POST form #${i}`, { method: 'POST', path: `/api/v1/sites/${site}/comments`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() });
      await probe(`POST reply #${i}`, { method: 'POST', path: `/api/v1/sites/${site}/comments`, ...json({ ...validComment(), parentId, body: `${s} ${i}` }) });
    }
    expect(failures).toEqual([]);
  });

  test('GET thread and counts: query values, repeated keys, owner and origin headers, site ids', async () => {
    for (const [i, s] of SAMPLE.entries()) {
      const v = encodeHostile(s);
      await probe(`thread page#${i}`, { method: 'GET', path: `/api/v1/sites/${site}/comments?page=${v}` });
      await probe(`thread limit#${i}`, { method: 'GET', path: `/api/v1/sites/${site}/comments?page=/p&limit=${v}` });
      await probe(`thread cursor#${i}`, { method: 'GET', path: `/api/v1/sites/${site}/comments?page=/p&cursor=${v}` });
      await probe(`thread ${v.slice(0, 20)}[]#${i}`, { method: 'GET', path: `/api/v1/sites/${site}/comments?page[${v}]=1&${v}=${v}` });
      await probe(`counts page#${i}`, { method: 'GET', path: `/api/v1/sites/${site}/counts?page=${v}&page=/p` });
      await probe(`site id#${i}`, { method: 'GET', path: `/api/v1/sites/${v}/comments?page=/p` });
      if (headerSafe(s)) {
        await probe(`owner header#${i}`, { method: 'GET', path: `/api/v1/sites/${site}/comments?page=/p`, headers: { 'X-Parley-Owner': s } });
        await probe(`origin header#${i}`, { method: 'GET', path: `/api/v1/sites/${site}/comments?page=/p`, headers: { Origin: s } });
      }
    }
    expect(failures).toEqual([]);
  });

  test('moderator endpoints: query values, ids in paths, edit and bulk bodies, the key itself', async () => {
    for (const [i, s] of SAMPLE.entries()) {
      const v = encodeHostile(s);
      for (const key of ['status', 'site', 'page', 'q', 'limit', 'cursor']) {
        await probe(`mod list ${key}#${i}`, { method: 'GET', path: `/api/v1/moderation/comments?${key}=${v}`, headers: auth() });
      }
      for (const key of ['site', 'comment', 'limit', 'cursor']) {
        await probe(`audit ${key}#${i}`, { method: 'GET', path: `/api/v1/moderation/audit?${key}=${v}`, headers: auth() });
      }
      await probe(`approve id#${i}`, { method: 'POST', path: `/api/v1/moderation/comments/${v}/approve`, headers: auth() });
      await probe(`action#${i}`, { method: 'POST', path: `/api/v1/moderation/comments/${editTarget}/${v}`, headers: auth() });
      await probe(`delete id#${i}`, { method: 'DELETE', path: `/api/v1/moderation/comments/${v}`, headers: auth() });
      await probe(`edit body#${i}`, { method: 'PATCH', path: `/api/v1/moderation/comments/${editTarget}`, headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify({ body: s }) });
      await probe(`bulk ids#${i}`, { method: 'POST', path: '/api/v1/moderation/comments/bulk', headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify({ ids: [s], action: 'approve' }) });
      await probe(`bulk action#${i}`, { method: 'POST', path: '/api/v1/moderation/comments/bulk', headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify({ ids: [editTarget], action: s }) });
    }
    // Last, because 20 failed sign-ins lock this address out (for the right key too) until the window ends.
    for (const [i, s] of SAMPLE.entries()) {
      if (headerSafe(s)) await probe(`authorization#${i}`, { method: 'GET', path: '/api/v1/moderation/comments', headers: { Authorization: `Bearer ${s}` } });
    }
    t.clock.advance(301_000);
    expect(failures).toEqual([]);
  });

  test('rendered pages: one-click tokens, unsubscribe tokens, the embed page', async () => {
    for (const [i, s] of SAMPLE.entries()) {
      const v = encodeHostile(s) || 'x';
      await probe(`moderate GET#${i}`, { method: 'GET', path: `/moderate/${v}`, html: true });
      await probe(`moderate POST#${i}`, { method: 'POST', path: `/moderate/${v}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `confirm=${v}`, html: true });
      await probe(`unsubscribe#${i}`, { method: 'GET', path: `/unsubscribe/${v}`, html: true });
      await probe(`embed page#${i}`, { method: 'GET', path: `/embed/${site}?page=${v}`, html: true });
    }
    expect(failures).toEqual([]);
  });
});

describe('hostile shapes', () => {
  test('1 MB strings in every field are refused with 413, and change nothing', async () => {
    for (const field of ['page', 'name', 'email', 'body', 'website', 'pageTitle']) {
      const status = await probe(`1MB ${field}`, { method: 'POST', path: `/api/v1/sites/${site}/comments`, ...json({ ...commentInput({ page: '/p' }), [field]: ONE_MB }) });
      expect(status).toBe(413);
    }
    expect(await probe('1MB edit', { method: 'PATCH', path: `/api/v1/moderation/comments/${editTarget}`, headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify({ body: ONE_MB }) })).toBe(413);
    expect(failures).toEqual([]);
  });

  test('a 64 KB query string is refused before it reaches the app, without a 5xx', async () => {
    const res = await fetch(`${base}/api/v1/sites/${site}/comments?page=${'a'.repeat(64 * 1024)}`).catch((e: Error) => e);
    // Node's HTTP parser answers 431 itself (headers too large) or drops the connection; either is fine.
    if (!(res instanceof Error)) expect(res.status).toBe(431);
  });

  test('deeply nested JSON is refused with 400 (or 413) and changes nothing', async () => {
    for (const depth of [10, 1000, 20_000]) {
      const nested = deeplyNested(depth);
      const status = await probe(`nested ${depth}`, { method: 'POST', path: `/api/v1/sites/${site}/comments`, ...json(nested) });
      expect([400, 413]).toContain(status);
      const inField = `{"page":"/p","name":"N","email":"n@example.org","body":${nested}}`;
      expect([400, 413]).toContain(await probe(`nested field ${depth}`, { method: 'POST', path: `/api/v1/sites/${site}/comments`, ...json(inField) }));
      expect([400, 413]).toContain(await probe(`nested bulk ${depth}`, { method: 'POST', path: '/api/v1/moderation/comments/bulk', headers: { ...auth(), 'Content-Type': 'application/json' }, body: `{"ids":${nested},"action":"approve"}` }));
    }
    expect(failures).toEqual([]);
  });

  test('prototype-pollution keys are inert: no 5xx, and Object.prototype is untouched', async () => {
    const payloads = [
      `{"__proto__":{"polluted":"yes"},"page":"/proto","name":"P","email":"p1@example.org","body":"proto one"}`,
      `{"constructor":{"prototype":{"polluted":"yes"}},"page":"/proto","name":"P","email":"p2@example.org","body":"proto two"}`,
      `{"page":"/proto","name":{"__proto__":{"polluted":"yes"}},"email":"p3@example.org","body":"proto three"}`,
      `{"page":"/proto","name":"P","email":"p4@example.org","body":"proto four","__proto__":null}`,
    ];
    for (const [i, p] of payloads.entries()) await probe(`proto json#${i}`, { method: 'POST', path: `/api/v1/sites/${site}/comments`, ...json(p) });
    await probe('proto form', { method: 'POST', path: `/api/v1/sites/${site}/comments`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: '__proto__[polluted]=yes&constructor[prototype][polluted]=yes&page=/proto&name=P&email=p5@example.org&body=proto+five' });
    await probe('proto query', { method: 'GET', path: `/api/v1/sites/${site}/comments?page=/proto&__proto__[polluted]=yes&constructor[prototype][polluted]=yes` });
    await probe('proto counts', { method: 'GET', path: `/api/v1/sites/${site}/counts?page=__proto__&page=constructor&page=hasOwnProperty` });
    await probe('proto edit', { method: 'PATCH', path: `/api/v1/moderation/comments/${editTarget}`, headers: { ...auth(), 'Content-Type': 'application/json' }, body: '{"body":"x","__proto__":{"polluted":"yes"}}' });
    await probe('proto bulk', { method: 'POST', path: '/api/v1/moderation/comments/bulk', headers: { ...auth(), 'Content-Type': 'application/json' }, body: `{"ids":["${editTarget}"],"action":"approve","constructor":{"prototype":{"polluted":"yes"}}}` });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const counts = await fetch(`${base}/api/v1/sites/${site}/counts?page=__proto__&page=constructor`).then((r) => r.json());
    const stored = await t.ctx.prisma.page.findMany({ where: { siteId: site, key: { in: ['__proto__', 'constructor'] } } });
    const expected = JSON.parse('{"__proto__":0,"constructor":0}');
    for (const p of stored) expected[p.key] = p.approvedCount;
    expect(counts).toEqual({ counts: expected });
    expect(Object.keys(counts.counts).sort()).toEqual(['__proto__', 'constructor']);
    expect(failures).toEqual([]);
  });

  test('another site\'s comment as parent, and a comment of another site to moderate, are refused', async () => {
    const foreign = (await request(server).post(`/api/v1/sites/${otherSite}/comments`).send(commentInput({ page: '/p' })).expect(201)).body.comment.id;
    expect(await probe('foreign parent', { method: 'POST', path: `/api/v1/sites/${site}/comments`, ...json({ ...commentInput({ page: '/p' }), parentId: foreign }) })).toBe(400);
    expect(await probe('foreign approve', { method: 'POST', path: `/api/v1/moderation/comments/${foreign}/reject`, headers: auth() })).toBe(404);
    expect(failures).toEqual([]);
  });
});
