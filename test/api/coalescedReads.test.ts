import request from 'supertest';
import { commentInput, createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/**
 * Thread reads that arrive together share their page lookups: one statement for the readers of many pages
 * (src/comments/findPage.ts), and one for many readers' own pending comments (src/comments/ownerView.ts).
 * Sharing must never mix readers up, and never hand a read the answer of a lookup that started before it.
 */
let t: TestApp;
let site: string;
let mod: { apiKey: string };

beforeAll(async () => {
  t = await createTestApp();
  site = await createSite(t.ctx, { settings: { mode: 'pre' } });
  mod = await createModerator(t.ctx, { siteIds: [site] });
});
afterAll(() => t.close());

let n = 0;
async function post(page: string, email = `reader${++n}@example.org`) {
  t.clock.advance(1000);
  const res = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput({ page, email, body: `Comment ${++n} on ${page}` })).expect(201);
  return { id: res.body.comment.id as string, token: res.body.ownerToken as string };
}
const approve = (id: string) =>
  request(t.app).post(`/api/v1/moderation/comments/${id}/approve`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
/** Sent at once (a supertest request otherwise waits until it is awaited). */
function read(page: string, tokens: string[] = []) {
  const req = request(t.app).get(`/api/v1/sites/${site}/comments`).query({ page });
  return (tokens.length ? req.set('X-Parley-Owner', tokens.join(',')) : req).expect(200).then((res) => res);
}
type ThreadBody = { total: number; comments: Array<{ id: string; status: string; body: string }> };

/** Counts the statements that look pages up on the read pool; `hold` keeps their answers back until released. */
function watchPageLookups(opts: { hold?: number } = {}) {
  const pool = t.ctx.pool;
  const original = pool.query;
  let count = 0;
  let held = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const started: Array<() => void> = [];
  pool.query = function (this: typeof pool, ...args: unknown[]) {
    const config = args[0] as { text?: string } | string;
    const text = typeof config === 'string' ? config : config?.text ?? '';
    const result = (original as (...a: unknown[]) => unknown).apply(this, args);
    if (!/FROM "Page"( p)? WHERE/.test(text)) return result;
    count++;
    if (held >= (opts.hold ?? 0)) return result;
    held++;
    started.splice(0).forEach((notify) => notify());
    // The statement has run; its answer arrives only once released, as from a slow round trip.
    return (result as Promise<unknown>).then(async (rows) => { await released; return rows; });
  } as typeof pool.query;
  return {
    count: () => count,
    /** Resolves once `k` lookups are being held. */
    holding: (k: number) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${held} of ${k} lookups started`)), 5000);
      const check = () => (held >= k ? (clearTimeout(timer), resolve()) : started.push(check));
      check();
    }),
    release,
    restore: () => { pool.query = original; },
  };
}

test('readers of several pages at once each get their own page, a missing page is empty, and they share lookups', async () => {
  const pages = ['/crowd/a', '/crowd/b', '/crowd/c'];
  const published = new Map<string, string>();
  for (const page of pages) {
    const c = await post(page);
    await approve(c.id);
    published.set(page, c.id);
  }
  const wanted = Array.from({ length: 40 }, (_, i) => (i % 4 === 3 ? '/crowd/nowhere' : pages[i % 4]));
  const lookups = watchPageLookups();
  let responses;
  try {
    responses = await Promise.all(wanted.map((page) => read(page)));
  } finally {
    lookups.restore();
  }
  responses.forEach((res, i) => {
    const body = res.body as ThreadBody;
    if (wanted[i] === '/crowd/nowhere') expect(body).toMatchObject({ total: 0, comments: [] });
    else expect(body.comments.map((c) => c.id)).toEqual([published.get(wanted[i])]);
  });
  expect(lookups.count()).toBeGreaterThan(0);
  expect(lookups.count()).toBeLessThan(wanted.length);
});

test("readers' own views read together: each sees their own pending comments and nobody else's", async () => {
  const page = '/crowd/own';
  const first = await post(page);
  await approve(first.id);
  const readers = [];
  for (let i = 0; i < 12; i++) readers.push(await post(page));
  const elsewhere = await post('/crowd/own-elsewhere', 'reader-elsewhere@example.org');
  const lookups = watchPageLookups();
  let responses;
  try {
    responses = await Promise.all([
      ...readers.map((r) => read(page, [r.token])),
      read(page, [readers[0].token, readers[1].token]), // a browser holding two readers' tokens (one shared computer)
      read(page, [elsewhere.token]),
    ]);
  } finally {
    lookups.restore();
  }
  const ids = (res: { body: ThreadBody }) => res.body.comments.map((c) => c.id);
  readers.forEach((r, i) => {
    expect(ids(responses[i])).toEqual([first.id, r.id]);
    expect(responses[i].body.comments[1].status).toBe('pending');
    expect(responses[i].headers['cache-control']).toBe('private, no-cache');
  });
  expect(ids(responses[readers.length])).toEqual([first.id, readers[0].id, readers[1].id]);
  expect(ids(responses[readers.length + 1])).toEqual([first.id]); // their pending comment is on another page
  expect(lookups.count()).toBeGreaterThan(0);
  expect(lookups.count()).toBeLessThan(responses.length);
});

test.each([
  ['everyone', false],
  ['a reader with an owner token', true],
])('%s: a read that arrives after an approval sees it, even while lookups begun before it are still out', async (_who, withToken) => {
  const page = `/crowd/fresh-${withToken}`;
  const published = await post(page);
  await approve(published.id);
  const waiting = await post(page);
  const owner = withToken ? [waiting.token] : [];

  // As many lookups as run at once (one on the embedded database) start before the approval, and their
  // answers come back after it; a further read arriving meanwhile waits for them on the server too.
  const inFlight = Math.min(2, t.ctx.pool.options.max ?? 1);
  const lookups = watchPageLookups({ hold: inFlight });
  try {
    const early = [read(page, owner), read(page, owner), read(page, owner)];
    await lookups.holding(inFlight);
    await approve(waiting.id);
    const late = read(page, owner);
    lookups.release();
    const [first, , , after] = await Promise.all([...early, late]);
    // The first read's lookup ran before the approval (its count is the page's then); whatever it found, it
    // shows each comment once. A reader's first own view of a page reads their pending comments together with
    // the page again, after the approval here, and may show the newer page.
    if (withToken) expect([1, 2]).toContain((first.body as ThreadBody).total);
    else expect((first.body as ThreadBody).total).toBe(1);
    const firstIds = (first.body as ThreadBody).comments.map((c) => c.id);
    expect(new Set(firstIds).size).toBe(firstIds.length);
    expect((after.body as ThreadBody).total).toBe(2);
    expect((after.body as ThreadBody).comments.map((c) => [c.id, c.status])).toEqual([[published.id, 'approved'], [waiting.id, 'approved']]);
  } finally {
    lookups.release();
    lookups.restore();
  }
});
