import request from 'supertest';
import type { AppContext } from '../../src/context';
import { createModerator, createTestApp, type TestApp } from '../helpers/testApp';
import { createHeldSite, fastWorker, postComment, recipient, smtpTransportTo } from './notificationFixtures';
import { startSmtpSink, waitUntil, type SmtpSink } from './smtpSink';

/**
 * The second proof of a returning author: the "approved" email carries a signed link; an author who
 * follows it (GET asks, POST confirms) has shown they read that address, so their next comments are
 * published at once, from any browser. A typed address alone never is.
 */
let t: TestApp;
let ctx: AppContext;
let sink: SmtpSink;
let site: string;
let mod: { apiKey: string; email: string };
let worker: { stop(): Promise<void> };

beforeAll(async () => {
  t = await createTestApp({ realClock: true });
  ctx = t.ctx;
  sink = await startSmtpSink();
  site = await createHeldSite(ctx);
  mod = await createModerator(ctx, { siteIds: [site] });
  worker = fastWorker(ctx, smtpTransportTo(ctx, sink.port));
});
afterAll(async () => {
  await worker.stop();
  await sink.stop();
  await t.close();
});

const act = (id: string, action: string) =>
  request(t.app).post(`/api/v1/moderation/comments/${id}/${action}`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);

async function verifyLinkFor(address: string): Promise<string> {
  await waitUntil(() => Promise.resolve(sink.messages.some((m) => recipient(m).toLowerCase() === address.toLowerCase())), 20_000, 'approved email');
  const mail = sink.messages.find((m) => recipient(m).toLowerCase() === address.toLowerCase())!;
  const match = /http:\/\/parley\.test(\/verify-email\/[A-Za-z0-9_-]+)/.exec(String(mail.text));
  expect(match).not.toBeNull();
  return match![1];
}

async function statusOfNewComment(email: string, body: string): Promise<string> {
  const res = await request(t.app).post(`/api/v1/sites/${site}/comments`).send({ page: '/v', name: 'Vera', email, body }).expect(201);
  const stored = await ctx.prisma.comment.findUniqueOrThrow({ where: { id: res.body.comment.id } });
  return stored.status;
}

test('following the link from the approved email lets the next comments skip the queue', async () => {
  const first = await postComment(t, site, { page: '/v', name: 'Vera', email: 'Vera@Example.org', notifyReplies: true, body: 'First comment' });
  await act(first.id, 'approve');
  const link = await verifyLinkFor('Vera@Example.org');

  // Before the proof, the same address typed again still waits.
  expect(await statusOfNewComment('vera@example.org', 'Second comment')).toBe('pending');

  const confirm = await request(t.app).get(link).expect(200);
  expect(confirm.text).toContain('Confirm');
  expect(await ctx.prisma.verifiedEmail.count()).toBe(0); // GET changes nothing

  await request(t.app).post(link).expect(200);
  expect(await ctx.prisma.verifiedEmail.findMany({ select: { siteId: true, email: true } })).toEqual([{ siteId: site, email: 'vera@example.org' }]);
  expect(await statusOfNewComment('vera@example.org', 'Third comment, published at once')).toBe('approved');
});

test('the proof lapses once a comment from that address is marked spam', async () => {
  const first = await postComment(t, site, { page: '/w', name: 'Walt', email: 'walt@example.org', notifyReplies: true, body: 'Hello' });
  await act(first.id, 'approve');
  const link = await verifyLinkFor('walt@example.org');
  await request(t.app).post(link).expect(200);
  expect(await statusOfNewComment('walt@example.org', 'Trusted now')).toBe('approved');
  const later = await ctx.prisma.comment.findFirstOrThrow({ where: { body: 'Trusted now' } });
  await act(later.id, 'spam');
  expect(await statusOfNewComment('walt@example.org', 'After the spam mark')).toBe('pending');
});

test('a tampered or wrong-kind token is refused', async () => {
  await request(t.app).get('/verify-email/not-a-token').expect(400);
  const first = await postComment(t, site, { page: '/x', name: 'Xena', email: 'xena@example.org', notifyReplies: true, body: 'Hi' });
  await act(first.id, 'approve');
  const link = await verifyLinkFor('xena@example.org');
  const token = link.split('/').pop()!;
  const flipped = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
  await request(t.app).post(`/verify-email/${flipped}`).expect(400);
  // An unsubscribe token (another kind of signed link) does not verify anything.
  const unsubscribe = /\/unsubscribe\/[A-Za-z0-9_-]+/.exec(String(sink.messages.find((m) => recipient(m) === 'xena@example.org')!.text))![0];
  await request(t.app).post(unsubscribe.replace('/unsubscribe/', '/verify-email/')).expect(400);
  expect(await ctx.prisma.verifiedEmail.count({ where: { email: 'xena@example.org' } })).toBe(0);
});
