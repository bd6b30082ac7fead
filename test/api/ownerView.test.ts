import request from 'supertest';
import { ownerViewOptions } from '../../src/comments/ownerView';
import { commentInput, createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/**
 * A reader holding owner tokens gets the shared thread with their own pending comments spliced in
 * (src/comments/ownerView.ts). Whatever the shape of the thread, the answer must be exactly what
 * building their thread from the database gives.
 */
let t: TestApp;
let site: string;
let mod: { apiKey: string };

beforeAll(async () => {
  t = await createTestApp();
  site = await createSite(t.ctx, { settings: { mode: 'pre', maxDepth: 3 } });
  mod = await createModerator(t.ctx, { siteIds: [site] });
});
afterAll(() => {
  ownerViewOptions.splice = true;
  return t.close();
});

let n = 0;
async function post(page: string, opts: { parentId?: string; email?: string } = {}) {
  t.clock.advance(1000);
  const res = await request(t.app).post(`/api/v1/sites/${site}/comments`)
    .send(commentInput({ page, body: `Comment ${++n} on ${page}`, email: opts.email ?? `reader${n}@example.org`, ...(opts.parentId ? { parentId: opts.parentId } : {}) }))
    .expect(201);
  return { id: res.body.comment.id as string, token: res.body.ownerToken as string };
}
const act = (id: string, action: 'approve' | 'reject') =>
  request(t.app).post(`/api/v1/moderation/comments/${id}/${action}`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
async function approved(page: string, parentId?: string) {
  const c = await post(page, { parentId });
  await act(c.id, 'approve');
  return c.id;
}

function read(page: string, tokens: string[], query: Record<string, string> = {}) {
  return request(t.app).get(`/api/v1/sites/${site}/comments`).query({ page, ...query }).set('X-Parley-Owner', tokens.join(',')).expect(200);
}
async function bothWays(page: string, tokens: string[], query: Record<string, string> = {}) {
  ownerViewOptions.splice = true;
  const spliced = await read(page, tokens, query);
  ownerViewOptions.splice = false;
  const rebuilt = await read(page, tokens, query);
  ownerViewOptions.splice = true;
  return { spliced: spliced.body, rebuilt: rebuilt.body, headers: spliced.headers };
}

describe("a reader's own view", () => {
  test('pending top-level comments, replies, replies to their own pending comment and a reply whose parent went away land where a full rebuild puts them', async () => {
    const page = '/own/tree';
    const a = await approved(page);
    const a1 = await approved(page, a);
    const mine = await post(page); // pending, top level, between a and b
    const b = await approved(page);
    const myReply = await post(page, { parentId: a1 }); // pending reply at depth 2
    const b1 = await approved(page, b);
    const myLate = await post(page, { parentId: b }); // pending reply after b1
    const gone = await approved(page, b);
    const underGone = await post(page, { parentId: gone });
    await act(gone, 'reject'); // its parent is no longer visible: it hangs under b
    await approved(page);
    const tokens = [mine.token, myReply.token, myLate.token, underGone.token];

    const { spliced, rebuilt, headers } = await bothWays(page, tokens);
    expect(spliced).toEqual(rebuilt);
    expect(headers['cache-control']).toContain('private');
    const ids = JSON.stringify(spliced);
    for (const c of [mine, myReply, myLate, underGone]) expect(ids).toContain(c.id);
    expect(spliced.comments.map((c: { id: string }) => c.id)).toEqual([a, mine.id, b, expect.any(String)]);
    expect(spliced.comments[2].replies.map((c: { id: string }) => c.id)).toEqual([b1, myLate.id, underGone.id]);
  });

  test('a reply to their own pending comment travels inside it', async () => {
    const page = '/own/nested';
    const root = await approved(page);
    const mine = await post(page, { parentId: root, email: 'same@example.org' });
    // Replying to a pending comment is refused, so the nested case (a reply that was made before its parent
    // went back to pending) is arranged in the database, with the reader's token on both.
    await t.ctx.pool.query(
      `UPDATE "Comment" SET "parentId" = $1::uuid, "depth" = 2 WHERE "id" = $2::uuid`,
      [mine.id, (await post(page, { parentId: root, email: 'same@example.org' })).id],
    );
    const both = await t.ctx.pool.query<{ id: string }>(`SELECT "id"::text AS id FROM "Comment" WHERE "parentId" = $1::uuid`, [mine.id]);
    const hash = await t.ctx.pool.query<{ h: string }>(`SELECT "ownerTokenHash" AS h FROM "Comment" WHERE "id" = $1::uuid`, [mine.id]);
    await t.ctx.pool.query(`UPDATE "Comment" SET "ownerTokenHash" = $1 WHERE "id" = $2::uuid`, [hash.rows[0].h, both.rows[0].id]);
    const { spliced, rebuilt } = await bothWays(page, [mine.token]);
    expect(spliced).toEqual(rebuilt);
    expect(spliced.comments[0].replies[0].replies[0].id).toBe(both.rows[0].id);
  });

  test('with no pending comment of theirs, the shared thread (and its ETag) is what they get', async () => {
    const page = '/own/none';
    await approved(page);
    const anon = await request(t.app).get(`/api/v1/sites/${site}/comments`).query({ page }).expect(200);
    const own = await read(page, ['z'.repeat(32)]);
    expect(own.body).toEqual(anon.body);
    expect(own.headers.etag).toBe(anon.headers.etag);
  });

  test('newest first, and across pages of the thread, each pending top-level comment shows once, in order', async () => {
    const page = '/own/pages';
    const ids: string[] = [];
    const mine: Array<{ id: string; token: string }> = [];
    for (let i = 0; i < 7; i++) {
      if (i === 1 || i === 5) {
        const c = await post(page);
        mine.push(c);
        ids.push(c.id);
      }
      ids.push(await approved(page));
    }
    const tokens = mine.map((c) => c.token);
    const newest = await bothWays(page, tokens, { sort: 'newest' });
    expect(newest.spliced).toEqual(newest.rebuilt);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await read(page, tokens, { limit: '3', ...(cursor ? { cursor } : {}) });
      seen.push(...res.body.comments.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(ids);
  });

  test('the pending comment disappears from their view once a moderator rejects it', async () => {
    const page = '/own/rejected';
    await approved(page);
    const mine = await post(page);
    expect(JSON.stringify((await read(page, [mine.token])).body)).toContain(mine.id);
    await act(mine.id, 'reject');
    expect(JSON.stringify((await read(page, [mine.token])).body)).not.toContain(mine.id);
  });

  test('each reload shows their pending comments as they are now: the same bytes while nothing changes, an edit at once, and only their own', async () => {
    const page = '/own/reloads';
    const first = await approved(page);
    const mine = await post(page);
    const theirs = await post(page);
    const before = await read(page, [mine.token]);
    const again = await read(page, [mine.token]);
    expect(again.text).toBe(before.text);
    expect(again.headers.etag).toBe(before.headers.etag);

    await request(t.app).patch(`/api/v1/sites/${site}/comments/${mine.id}`).set('X-Parley-Owner', mine.token)
      .send({ body: 'Edited while it waits' }).expect(200);
    const edited = await read(page, [mine.token]);
    expect(edited.text).toContain('Edited while it waits');
    expect(edited.headers.etag).not.toBe(before.headers.etag);
    const { spliced, rebuilt } = await bothWays(page, [mine.token]);
    expect(spliced).toEqual(rebuilt);

    const other = await read(page, [theirs.token]);
    expect(other.body.comments.map((c: { id: string }) => c.id)).toEqual([first, theirs.id]);
    // A new approved comment changes the shared thread: their view follows it.
    const later = await approved(page);
    expect((await read(page, [mine.token])).body.comments.map((c: { id: string }) => c.id)).toEqual([first, mine.id, later]);
  });

  test('a browser gets its own view compressed like the shared thread, with the same content', async () => {
    const page = '/own/compressed';
    for (let i = 0; i < 8; i++) await approved(page); // over the 1 KB below which nothing is compressed
    const mine = await post(page);
    const own = (encoding: string) => request(t.app).get(`/api/v1/sites/${site}/comments`).query({ page })
      .set('X-Parley-Owner', mine.token).set('Accept-Encoding', encoding).expect(200);
    const plain = await own('identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const encoding of ['gzip', 'br']) {
      for (let reload = 0; reload < 2; reload++) {
        const res = await own(encoding);
        expect(res.headers['content-encoding']).toBe(encoding);
        expect(res.headers['cache-control']).toContain('private');
        expect(res.headers.etag).toBe(plain.headers.etag);
        expect(res.body).toEqual(plain.body);
      }
    }
    expect(JSON.stringify(plain.body)).toContain(mine.id);
  });
});

/**
 * Reloads reuse the reader's pending comments as last read, keyed by the page's pendingVersion
 * (src/comments/ownerView.ts, migration 20261202090000_pending_version): every change to a pending comment
 * must show on the next reload, whoever made it.
 */
describe("a reader's kept own view", () => {
  const ids = (body: { comments: Array<{ id: string }> }) => body.comments.map((c) => c.id);
  const bodyOf = (body: { comments: Array<{ id: string; html: string }> }, id: string) => body.comments.find((c) => c.id === id)?.html;

  /** Statements that read a reader's pending comments, while `run` runs. */
  async function pendingReads(run: () => Promise<unknown>): Promise<number> {
    const pool = t.ctx.pool;
    const original = pool.query;
    let count = 0;
    pool.query = function (this: typeof pool, ...args: unknown[]) {
      const config = args[0] as { text?: string } | string;
      if (/"ownerTokenHash"/.test(typeof config === 'string' ? config : config?.text ?? '')) count++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof pool.query;
    try {
      await run();
    } finally {
      pool.query = original;
    }
    return count;
  }

  test('reloads that find nothing changed do not read the pending comments again', async () => {
    const page = '/kept/quiet';
    const first = await approved(page);
    const mine = await post(page);
    expect(ids((await read(page, [mine.token])).body)).toEqual([first, mine.id]);
    expect(await pendingReads(async () => {
      for (let i = 0; i < 5; i++) expect(ids((await read(page, [mine.token])).body)).toEqual([first, mine.id]);
    })).toBe(0);
    // Their next comment comes with its own token: the first reload that shows it reads again.
    const next = await post(page);
    expect(await pendingReads(async () => {
      expect(ids((await read(page, [mine.token, next.token])).body)).toEqual([first, mine.id, next.id]);
    })).toBe(1);
  });

  test.each([
    ['rejects it', async (id: string) => act(id, 'reject'), 'gone'],
    ['deletes it', async (id: string) => request(t.app).delete(`/api/v1/moderation/comments/${id}`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200), 'gone'],
    ['edits it', async (id: string) => request(t.app).patch(`/api/v1/moderation/comments/${id}`).set('Authorization', `Bearer ${mod.apiKey}`).send({ body: 'Edited by a moderator' }).expect(200), 'Edited by a moderator'],
  ] as const)('a moderator who %s changes the next reload', async (_what, change, expected) => {
    const page = `/kept/moderator-${_what.replace(/\s/g, '-')}`;
    const first = await approved(page);
    const mine = await post(page);
    expect(ids((await read(page, [mine.token])).body)).toEqual([first, mine.id]);
    await change(mine.id);
    const after = (await read(page, [mine.token])).body;
    if (expected === 'gone') expect(ids(after)).toEqual([first]);
    else expect(bodyOf(after, mine.id)).toContain(expected);
  });

  test('the author editing or deleting their pending comment changes the next reload', async () => {
    const page = '/kept/author';
    const mine = await post(page);
    expect(ids((await read(page, [mine.token])).body)).toEqual([mine.id]);
    await request(t.app).patch(`/api/v1/sites/${site}/comments/${mine.id}`).set('X-Parley-Owner', mine.token).send({ body: 'Edited by its author' }).expect(200);
    expect(bodyOf((await read(page, [mine.token])).body, mine.id)).toContain('Edited by its author');
    await request(t.app).delete(`/api/v1/sites/${site}/comments/${mine.id}`).set('X-Parley-Owner', mine.token).expect(204);
    expect(ids((await read(page, [mine.token])).body)).toEqual([]);
  });

  test('a change made outside this process (another instance, a script) changes the next reload', async () => {
    const page = '/kept/elsewhere';
    const mine = await post(page);
    const gone = await post(page);
    expect(ids((await read(page, [mine.token, gone.token])).body)).toEqual([mine.id, gone.id]);
    await t.ctx.pool.query(`UPDATE "Comment" SET "body" = 'Changed elsewhere' WHERE "id" = $1::uuid`, [mine.id]);
    await t.ctx.pool.query(`DELETE FROM "Comment" WHERE "id" = $1::uuid`, [gone.id]);
    const after = (await read(page, [mine.token, gone.token])).body;
    expect(ids(after)).toEqual([mine.id]);
    expect(bodyOf(after, mine.id)).toContain('Changed elsewhere');
  });

  test('an approval shows the comment once, as published', async () => {
    const page = '/kept/approved';
    const mine = await post(page);
    expect((await read(page, [mine.token])).body.comments[0].status).toBe('pending');
    await act(mine.id, 'approve');
    const after = (await read(page, [mine.token])).body;
    expect(after.comments.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([[mine.id, 'approved']]);
  });
});
