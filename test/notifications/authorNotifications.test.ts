import request from 'supertest';
import type { AppContext } from '../../src/context';
import { createModerator, createTestApp, type TestApp } from '../helpers/testApp';
import { createHeldSite, fastWorker, postComment, rawHeader, recipient, smtpTransportTo } from './notificationFixtures';
import { startSmtpSink, waitUntil, type SmtpSink } from './smtpSink';

let t: TestApp;
let ctx: AppContext;
let sink: SmtpSink;
let site: string;
let mod: { id: string; apiKey: string; email: string };
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

const approve = (id: string) =>
  request(t.app).post(`/api/v1/moderation/comments/${id}/approve`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);
const act = (id: string, action: string) =>
  request(t.app).post(`/api/v1/moderation/comments/${id}/${action}`).set('Authorization', `Bearer ${mod.apiKey}`).expect(200);

/** Lets the worker drain the outbox, then returns what reached people other than the moderator. */
async function authorMail() {
  await waitUntil(async () => (await ctx.prisma.job.count({ where: { status: { in: ['queued', 'running', 'retrying'] } } })) === 0, 20_000, 'outbox drained');
  return sink.messages.filter((m) => recipient(m) !== mod.email);
}

beforeEach(() => {
  sink.messages.length = 0;
});

test('a reply tells the parent’s author (who opted in), with RFC 8058 unsubscribe, never the replier’s address', async () => {
  const page = '/replies';
  const pageUrl = 'https://news.example/replies';
  const parent = await postComment(t, site, { page, pageUrl, name: 'Paula Parent', email: 'paula@example.org', notifyReplies: true, body: 'Original thought' });
  await approve(parent.id);
  const reply = await postComment(t, site, { page, pageUrl, parentId: parent.id, name: 'Rex Replier', email: 'rex.secret@example.org', body: 'I disagree <strongly>' });
  await approve(reply.id);

  const mails = await authorMail();
  const toPaula = mails.filter((m) => recipient(m) === 'paula@example.org');
  // one "your comment is approved", one "someone replied"
  expect(toPaula).toHaveLength(2);
  const replyMail = toPaula.find((m) => /replied/.test(m.subject ?? ''))!;
  expect(replyMail.subject).toContain('Rex Replier');
  for (const part of [String(replyMail.text), String(replyMail.html), replyMail.subject ?? '']) {
    expect(part).not.toContain('rex.secret@example.org');
    expect(part).not.toContain('rex.secret');
  }
  expect(String(replyMail.text)).toContain('I disagree <strongly>');
  expect(String(replyMail.html)).toContain('I disagree &lt;strongly&gt;');
  expect(String(replyMail.text)).toContain(`${pageUrl}#parley-${reply.id}`);
  const unsubUrl = rawHeader(replyMail, 'list-unsubscribe')!.replace(/^<|>$/g, '');
  expect(unsubUrl).toMatch(/^http:\/\/parley\.test\/unsubscribe\/[A-Za-z0-9_-]+$/);
  expect(rawHeader(replyMail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
  expect(String(replyMail.text)).toContain(unsubUrl);

  // Rex did not opt in: no "approved" email for him.
  expect(mails.filter((m) => recipient(m) === 'rex.secret@example.org')).toHaveLength(0);

  // GET shows a confirm page and changes nothing; the RFC 8058 POST unsubscribes.
  const path = new URL(unsubUrl).pathname;
  const confirm = await request(t.app).get(path).expect(200);
  expect(confirm.text).toContain('<form method="post">');
  expect(confirm.text).not.toContain('paula@example.org');
  expect((await ctx.prisma.comment.findUniqueOrThrow({ where: { id: parent.id } })).notifyReplies).toBe(true);
  await request(t.app).post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
  expect((await ctx.prisma.comment.findUniqueOrThrow({ where: { id: parent.id } })).notifyReplies).toBe(false);
  await request(t.app).post(path).type('form').send('List-Unsubscribe=One-Click').expect(200); // harmless again

  sink.messages.length = 0;
  const later = await postComment(t, site, { page, pageUrl, parentId: parent.id, name: 'Late', body: 'Another reply' });
  await approve(later.id);
  expect(await authorMail()).toHaveLength(0);
});

test('the author hears of approval once, with a link to the comment; nothing on reject or spam', async () => {
  const pageUrl = 'https://news.example/approved';
  const c = await postComment(t, site, { page: '/approved', pageUrl, email: 'ann@example.org', notifyReplies: true });
  await approve(c.id);
  await act(c.id, 'restore');
  await approve(c.id); // approved again: no second email
  const mails = await authorMail();
  expect(mails).toHaveLength(1);
  expect(recipient(mails[0])).toBe('ann@example.org');
  expect(String(mails[0].text)).toContain(`${pageUrl}#parley-${c.id}`);
  expect(rawHeader(mails[0], 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

  sink.messages.length = 0;
  const r = await postComment(t, site, { page: '/approved', pageUrl, email: 'rita@example.org', notifyReplies: true });
  const s = await postComment(t, site, { page: '/approved', pageUrl, email: 'sam@example.org', notifyReplies: true });
  await act(r.id, 'reject');
  await act(s.id, 'spam');
  expect(await authorMail()).toHaveLength(0);
});

test('nobody is told about their own reply', async () => {
  const page = '/self';
  const parent = await postComment(t, site, { page, email: 'self@example.org', notifyReplies: true });
  await approve(parent.id);
  expect(await authorMail()).toHaveLength(1); // the parent's own approval
  sink.messages.length = 0;
  const own = await postComment(t, site, { page, parentId: parent.id, email: 'SELF@example.org ', body: 'Replying to myself' });
  await approve(own.id);
  expect(await authorMail()).toHaveLength(0);
});
