import request from 'supertest';
import { manageSubscriptionsUrl } from '../../src/notifications/replySubscriptions';
import { renderReplyEmail } from '../../src/notifications/templates/authorEmails';
import { commentInput, createSite, createTestApp, TEST_PUBLIC_URL, type TestApp } from '../helpers/testApp';

/** The reader's reply-email page: reached by the signed link in reply emails; GET shows, POST unsubscribes. */
let t: TestApp;
let site: string;
const READER = 'reader.subs@example.org';

beforeAll(async () => {
  t = await createTestApp();
  site = await createSite(t.ctx, { settings: { mode: 'post' } });
});
afterAll(() => t.close());

async function post(overrides: Record<string, unknown>) {
  const res = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput(overrides)).expect(201);
  return res.body.comment.id as string;
}
const pathOf = (url: string) => url.slice(TEST_PUBLIC_URL.length);
const notify = async (email: string) =>
  (await t.ctx.prisma.comment.findMany({ where: { email }, orderBy: { createdAt: 'asc' }, select: { id: true, notifyReplies: true } }));

describe('managing reply emails', () => {
  let ids: string[];
  let path: string;
  beforeAll(async () => {
    ids = [];
    for (const [page, body] of [['/subs-a', 'First **subscribed** comment.'], ['/subs-b', 'Second subscribed comment.'], ['/subs-b', 'Third subscribed comment.']]) {
      t.clock.advance(1_000);
      ids.push(await post({ page, body, email: READER, notifyReplies: true, pageTitle: `Article ${page}`, pageUrl: `https://news.example${page}` }));
    }
    await post({ page: '/subs-a', email: 'someone.else@example.org', notifyReplies: true, body: 'Not the reader’s comment.' });
    path = pathOf(manageSubscriptionsUrl(t.ctx, ids[0]));
  });

  test('the reply email links to the page', () => {
    const email = renderReplyEmail({
      siteName: 'News', recipientName: 'Jane', replierName: 'Paul', replyBody: 'Hi', parentBody: 'Hello', pageTitle: 'Article',
      replyUrl: null, unsubscribeUrl: 'http://parley.test/unsubscribe/x', manageUrl: `http://parley.test${path}`,
    });
    expect(email.text).toContain(`http://parley.test${path}`);
    expect(email.html).toContain(`href="http://parley.test${path}"`);
    expect(email.html).toContain('Manage your reply emails');
  });

  test('GET lists the reader’s subscriptions on that site (not other people’s, never the address) and changes nothing', async () => {
    const res = await request(t.app).get(path).set('Accept-Language', 'en').expect(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('Your reply emails');
    expect(res.text.match(/<li>/g)).toHaveLength(3);
    expect(res.text).toContain('First **subscribed** comment.');
    expect(res.text).toContain(`href="https://news.example/subs-a#parley-${ids[0]}"`);
    expect(res.text).not.toContain('Not the reader’s comment.');
    expect(res.text).not.toContain(READER);
    expect(res.text).not.toMatch(/<script|style="/);
    await request(t.app).get(path).expect(200);
    expect((await notify(READER)).every((c) => c.notifyReplies)).toBe(true);
  });

  test('in French on request', async () => {
    const res = await request(t.app).get(`${path}?lang=fr`).expect(200);
    expect(res.text).toContain('<html lang="fr">');
    expect(res.text).toContain('Vos courriels de réponse');
    expect(res.text).toContain('Se désabonner de tout');
    expect((await request(t.app).get(path).set('Accept-Language', 'fr-CA,fr;q=0.9')).text).toContain('Se désabonner');
  });

  test('POST one ends that one; another reader’s comment cannot be touched; POST all ends the rest', async () => {
    const one = await request(t.app).post(path).type('form').send({ comment: ids[1] }).expect(303);
    expect(one.headers.location).toBe(`${path}?lang=en&ended=1`);
    expect((await notify(READER)).map((c) => c.notifyReplies)).toEqual([true, false, true]);
    const page = await request(t.app).get(one.headers.location).expect(200);
    expect(page.text).toContain('Done: no more reply emails for that comment.');
    expect(page.text.match(/<li>/g)).toHaveLength(2);

    const other = (await notify('someone.else@example.org'))[0].id;
    const refused = await request(t.app).post(path).type('form').send({ comment: other }).expect(303);
    expect(refused.headers.location).toContain('ended=0');
    expect((await notify('someone.else@example.org'))[0].notifyReplies).toBe(true);

    const all = await request(t.app).post(`${path}?lang=fr`).type('form').send({ all: '1' }).expect(303);
    expect(all.headers.location).toBe(`${path}?lang=fr&ended=2`);
    expect((await notify(READER)).every((c) => !c.notifyReplies)).toBe(true);
    const empty = await request(t.app).get(all.headers.location).expect(200);
    expect(empty.text).toContain('Vous ne recevez aucun courriel de réponse');
  });

  test('a forged, altered or expired link is an error page, and changes nothing', async () => {
    const forged = await request(t.app).get('/subscriptions/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').expect(400);
    expect(forged.text).toContain('This link is not valid.');
    const token = path.split('/').pop()!;
    const altered = `/subscriptions/${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    await request(t.app).post(altered).type('form').send({ all: '1' }).expect(400);
    await request(t.app).post(path).type('form').send({}).expect(400);
    t.clock.advance(6 * 365 * 24 * 3600 * 1000);
    const expired = await request(t.app).get(path).expect(410);
    expect(expired.text).toContain('expired');
  });
});
