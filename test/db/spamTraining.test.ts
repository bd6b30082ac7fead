import request from 'supertest';
import { scoreDocument } from '../../src/spam/spamModel';
import { tokenize } from '../../src/spam/tokenize';
import { commentInput, createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

let t: TestApp;
let site: string;
let mod: { apiKey: string };

beforeAll(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: '1' } });
  site = await createSite(t.ctx, { settings: { mode: 'pre', rateLimit: { perIp: { max: 1000, windowSeconds: 60 }, perEmail: { max: 1000, windowSeconds: 60 } } } });
  mod = await createModerator(t.ctx, { siteIds: [site] });
});
afterAll(() => t.close());

const SPAM = (i: number) => ({
  name: `Cheap Pills ${i}`, website: `https://cheap-pills-${i % 3}.top`,
  body: `Buy cheap pills online ${i}, discreet delivery, best prices! Order now at cheap-pills-${i % 3}.top`,
});
const HAM = (i: number) => ({
  name: `Reader ${String.fromCharCode(65 + i)}`,
  body: `The council vote on the bus lane (${i}) was closer than the article suggests; the minutes are worth reading.`,
});

async function submit(fields: Record<string, unknown>, n: number): Promise<string> {
  const res = await request(t.app).post(`/api/v1/sites/${site}/comments`).set('X-Forwarded-For', `198.51.100.${n}`)
    .send(commentInput({ page: `/train-${n}`, ...fields }));
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.comment.id;
}
const act = (id: string, action: string) =>
  request(t.app).post(`/api/v1/moderation/comments/${id}/${action}`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
const stats = () => t.ctx.prisma.spamStats.findUnique({ where: { siteId: site } });
const token = (tok: string) => t.ctx.prisma.spamToken.findUnique({ where: { siteId_token: { siteId: site, token: tok } } });

describe('training on moderator decisions', () => {
  test('approve trains ham, spam trains spam, repeats count once, reversals un-train, reject un-trains', async () => {
    const id = await submit(HAM(0), 1);
    await act(id, 'approve');
    await act(id, 'approve');
    expect(await stats()).toMatchObject({ hamDocs: 1, spamDocs: 0 });
    expect(await token('council')).toMatchObject({ hamCount: 1, spamCount: 0 });

    await act(id, 'spam');
    expect(await stats()).toMatchObject({ hamDocs: 0, spamDocs: 1 });
    expect(await token('council')).toMatchObject({ hamCount: 0, spamCount: 1 });

    await act(id, 'reject');
    expect(await stats()).toMatchObject({ hamDocs: 0, spamDocs: 0 });
    expect(await token('council')).toBeNull();
    expect((await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id } })).trainedAs).toBeNull();

    await act(id, 'approve');
    await request(t.app).delete(`/api/v1/moderation/comments/${id}`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
    expect(await stats()).toMatchObject({ hamDocs: 1, spamDocs: 0 });
    await act(id, 'restore');
    expect(await stats()).toMatchObject({ hamDocs: 0, spamDocs: 0 });
  });

  test('once trained, the score sends new spam to spam with its reason, and leaves good comments alone', async () => {
    for (let i = 0; i < 12; i++) {
      await act(await submit(SPAM(i), 10 + i), 'spam');
      await act(await submit(HAM(i + 1), 40 + i), 'approve');
    }
    // Once the model had ten of each, it sent the last spam to spam by itself. Only moderator decisions
    // train (no feedback loop), and confirming a status a comment already has is not a decision.
    expect(await stats()).toMatchObject({ hamDocs: 12, spamDocs: 10 });

    const spamId = await submit({ ...SPAM(99), email: 'new-spammer@example.org' }, 90);
    const spam = await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: spamId } });
    expect(spam.status).toBe('spam');
    expect(spam.spamScore).toBeGreaterThanOrEqual(0.9);
    expect(spam.reasons.some((r) => /^spam_score:0\.9\d$|^spam_score:1\.00$/.test(r))).toBe(true);

    const hamId = await submit({ ...HAM(20), body: 'I read the council minutes and the bus lane vote was indeed close.' }, 91);
    const ham = await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: hamId } });
    expect(ham.status).toBe('pending');
    expect(ham.reasons).toEqual(['pre_moderation']);
    expect(ham.spamScore).toBeLessThan(0.5);
  });

  test('the model is per site', async () => {
    const other = await createSite(t.ctx);
    expect((await scoreDocument(t.ctx.prisma, other, { name: 'x', email: 'x@example.org', website: null, body: 'Buy cheap pills online' })).score).toBeNull();
    expect(tokenize({ name: 'x', email: 'x@example.org', website: null, body: 'x' }).length).toBeGreaterThan(0);
  });
});
