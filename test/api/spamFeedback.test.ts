import request from 'supertest';
import { forgetCachedSite } from '../../src/sites/siteRepository';
import { DAILY_FLOOR } from '../../src/spam/trainingBudget';
import { commentInput, createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/**
 * What moderators' decisions do to the spam filter, through the API as a site uses it: "Not spam"
 * teaches at once, and one account's bad decisions cannot swing the site's verdicts.
 */
let t: TestApp;
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

let n = 0;
async function submit(site: string, fields: Record<string, unknown>) {
  n++;
  const res = await request(t.app)
    .post(`/api/v1/sites/${site}/comments`)
    .send(commentInput({ page: `/article-${n}`, email: `reader${n}@example.org`, ...fields }))
    .expect(201);
  return t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: res.body.comment.id } });
}
const act = (apiKey: string, id: string, action: string) =>
  request(t.app).post(`/api/v1/moderation/comments/${id}/${action}`).set('Authorization', `Bearer ${apiKey}`).expect(200);
const stats = (site: string) => t.ctx.prisma.spamStats.findUniqueOrThrow({ where: { siteId: site } });

const SPAM = (i: number) => ({
  name: `Views Booster ${i}`,
  website: `https://views-booster-${i % 4}.example`,
  body: `Check my channel for the best video views, subscribe now and get ${i}000 views free https://views-booster-${i % 4}.example`,
});
const GOOD = (i: number) => ({
  name: `Reader ${i}`,
  body: `The council minutes (${i}) show the bus lane vote was closer than reported; worth reading before Thursday.`,
});

/**
 * A pre-moderated site (every comment waits, so the moderator's approvals and spam marks are decisions)
 * whose moderator taught it `count` spam and good comments, a day's allowance at a time.
 */
async function trainedSite(count: number) {
  const site = await createSite(t.ctx, { settings: { mode: 'pre' } });
  const mod = await createModerator(t.ctx, { siteIds: [site] });
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % DAILY_FLOOR === 0) t.clock.advance(DAY);
    const spam = await submit(site, SPAM(i));
    if (spam.status !== 'spam') await act(mod.apiKey, spam.id, 'spam');
    const good = await submit(site, GOOD(i));
    if (good.status !== 'approved') await act(mod.apiKey, good.id, 'approve');
  }
  t.clock.advance(DAY);
  return { site, mod };
}

describe('"Not spam" teaches the filter at once', () => {
  test('restoring a good comment from spam changes the verdict on the next similar one', async () => {
    const { site, mod } = await trainedSite(12);
    const reader = (i: number) => ({
      name: 'Sam Fielding',
      website: 'https://sam-fielding.example',
      body: `Check the channel for the full video of the match, ${i === 0 ? 'first' : 'second'} half: views are huge https://club-tv.example/match-${i}`,
    });

    const first = await submit(site, reader(0));
    expect(first.status).toBe('spam');
    expect(first.reasons).toEqual(expect.arrayContaining(['links:1', 'author_website']));
    expect(first.reasons.some((r) => r.startsWith('spam_score:'))).toBe(true);
    const before = await stats(site);

    await act(mod.apiKey, first.id, 'restore');
    const after = await stats(site);
    expect(after.hamDocs).toBe(before.hamDocs + 1);
    expect(after.spamDocs).toBe(before.spamDocs);

    const second = await submit(site, reader(1));
    expect(second.status).toBe('pending');
    expect(second.spamScore!).toBeLessThan(first.spamScore!);
  });

  test('approving a comment a moderator had marked spam un-learns the spam and learns it as good', async () => {
    const { site, mod } = await trainedSite(12);
    const c = await submit(site, GOOD(100));
    await act(mod.apiKey, c.id, 'spam');
    const marked = await stats(site);
    await act(mod.apiKey, c.id, 'approve');
    const approved = await stats(site);
    expect(approved).toMatchObject({ spamDocs: marked.spamDocs - 1, hamDocs: marked.hamDocs + 1 });
    expect((await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: c.id } })).trainedAs).toBe('ham');
  });
});

describe('evidence from the site\'s history', () => {
  test('the same text on a third page waits, and so does an author a moderator confirmed as spam', async () => {
    const site = await createSite(t.ctx, { settings: { mode: 'post' } });
    const mod = await createModerator(t.ctx, { siteIds: [site] });
    const body = 'Earn from home with our simple plan, message me and I will show you how it works.';
    expect((await submit(site, { body })).status).toBe('approved');
    expect((await submit(site, { body })).status).toBe('approved');
    const third = await submit(site, { body });
    expect(third).toMatchObject({ status: 'pending', reasons: ['repeated_body:3_pages'] });

    const marked = await submit(site, { email: 'wave@example.org', body: 'Something else entirely, posted once.' });
    await act(mod.apiKey, marked.id, 'spam');
    const again = await submit(site, { email: 'wave@example.org', body: 'A new text from the same address.' });
    expect(again).toMatchObject({ status: 'pending', reasons: ['known_spam_author:1'] });
  });
});

describe('the second opinion (character trigrams) holds what the words miss', () => {
  test('a misspelled campaign with no word the site decided waits with char_grams, a new reader is published', async () => {
    const { site } = await trainedSite(12);
    // The same site, now publishing at once (post-moderation): only the rules hold a comment.
    const row = await t.ctx.prisma.site.findUniqueOrThrow({ where: { id: site } });
    await t.ctx.prisma.site.update({ where: { id: site }, data: { settings: { ...(row.settings as object), mode: 'post' } } });
    forgetCachedSite(t.ctx, site);

    const evasion = await submit(site, { name: 'Viewz Boostr', body: 'Chek mah channnel 4 da bestest videoo viewzz, subscribeee noww 4 9000 viewzz' });
    expect(evasion.status).toBe('pending');
    expect(evasion.reasons.some((r) => /^char_grams:\d+\.\d$/.test(r))).toBe(true);
    expect(evasion.spamScore!).toBeLessThan(0.3); // the words alone would have let it through

    const reader = await submit(site, { name: 'Ann Other', body: 'The minutes show the vote on the bus lane was close; the council meets again on Thursday.' });
    expect(reader.status).toBe('approved');
  });
});

describe('one account cannot poison the filter', () => {
  test('a moderator marking 150 good comments as spam in a day moves the model by its daily allowance only', async () => {
    const { site } = await trainedSite(30);
    const rogue = await createModerator(t.ctx, { siteIds: [site] });
    const before = await stats(site);

    const probe = (i: number) => submit(site, { ...GOOD(1000 + i), body: `Read the council minutes ${i}: the bus lane vote was close, and Thursday's meeting matters.` });
    // Pre-moderation: a good comment waits for its turn, with no spam reason.
    const clean = await probe(0);
    expect(clean).toMatchObject({ status: 'pending', reasons: ['pre_moderation'] });

    for (let i = 0; i < 150; i++) {
      const c = await submit(site, GOOD(200 + i));
      await act(rogue.apiKey, c.id, 'spam');
    }
    const after = await stats(site);
    // Every comment went to the spam folder, but the model learned at most the day's allowance.
    expect(after.spamDocs - before.spamDocs).toBe(DAILY_FLOOR);
    expect(await t.ctx.prisma.comment.count({ where: { siteId: site, status: 'spam', moderatedById: rogue.id } })).toBe(150);

    // Good comments on the same subject are still judged good: not sent to spam, not flagged.
    const next = await probe(1);
    expect(next).toMatchObject({ status: 'pending', reasons: ['pre_moderation'] });
  });

  test('a spam wave approved by mistake teaches the allowance only, and new spam stays out of the thread', async () => {
    const { site } = await trainedSite(30);
    const careless = await createModerator(t.ctx, { siteIds: [site] });
    const before = await stats(site);
    for (let i = 0; i < 120; i++) {
      const c = await submit(site, SPAM(500 + i));
      await act(careless.apiKey, c.id, 'approve');
    }
    expect((await stats(site)).hamDocs - before.hamDocs).toBe(DAILY_FLOOR);
    const wave = await submit(site, SPAM(999));
    expect(['spam', 'pending']).toContain(wave.status);
  });
});

describe('spam per day', () => {
  const daily = (apiKey: string, site: string, query = '') =>
    request(t.app).get(`/api/v1/moderation/sites/${site}/spam/daily${query}`).set('Authorization', `Bearer ${apiKey}`);

  test('counts comments in spam by the day they came, and "Not spam" by the day it was said, every day listed', async () => {
    const site = await createSite(t.ctx, { settings: { mode: 'pre' } });
    const mod = await createModerator(t.ctx, { siteIds: [site] });
    const day = (offset: number) => new Date(t.clock.now.getTime() + offset * DAY).toISOString().slice(0, 10);

    // Two days ago: three comments marked spam. Yesterday: one more. Today: one of the first three restored.
    const first = [];
    for (let i = 0; i < 3; i++) first.push(await submit(site, GOOD(700 + i)));
    for (const c of first) await act(mod.apiKey, c.id, 'spam');
    t.clock.advance(DAY);
    await act(mod.apiKey, (await submit(site, GOOD(710))).id, 'spam');
    t.clock.advance(DAY);
    await act(mod.apiKey, first[0].id, 'restore');

    const res = await daily(mod.apiKey, site, '?days=4').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      days: [
        { date: day(-3), spam: 0, restored: 0 },
        { date: day(-2), spam: 2, restored: 0 },
        { date: day(-1), spam: 1, restored: 0 },
        { date: day(0), spam: 0, restored: 1 },
      ],
    });
    expect((await daily(mod.apiKey, site).expect(200)).body.days).toHaveLength(30);
  });

  test('only the site\'s moderators see it; a bad window is a clear 400', async () => {
    const site = await createSite(t.ctx);
    const mod = await createModerator(t.ctx, { siteIds: [site] });
    const stranger = await createModerator(t.ctx, { siteIds: [await createSite(t.ctx)] });
    expect((await daily(stranger.apiKey, site).expect(403)).body.error.code).toBe('forbidden');
    await request(t.app).get(`/api/v1/moderation/sites/${site}/spam/daily`).expect(401);
    for (const bad of ['?days=0', '?days=91', '?days=ten']) {
      expect((await daily(mod.apiKey, site, bad).expect(400)).body.error.code).toBe('validation_failed');
    }
  });

  test('is in the OpenAPI document', async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
    const op = doc.paths['/api/v1/moderation/sites/{site}/spam/daily'].get;
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['site', 'days']));
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
  });
});
