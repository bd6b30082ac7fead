import request from 'supertest';
import { createSite, type TestApp } from '../helpers/testApp';
import { createPrivacyApp, drainJobs, dumpDatabase, insertComment, mailsTo, outboxMails } from './privacyHarness';

/** Readers' own requests: the same 202 for any address, a signed 24-hour link, GET asks, POST does it. */
let t: TestApp & { dataDir: string };
let site: string;
beforeAll(async () => {
  t = await createPrivacyApp();
  site = await createSite(t.ctx);
});
afterAll(() => t.close());

const ask = (email: string, kind: string) => request(t.app).post(`/api/v1/sites/${site}/privacy/requests`).send({ email, kind });

async function linkFor(email: string): Promise<string> {
  await drainJobs(t);
  const mails = mailsTo(await outboxMails(t.dataDir), email);
  const m = /\/privacy\/confirm\/([A-Za-z0-9_-]+)/.exec(String(mails[mails.length - 1]?.text ?? ''));
  if (!m) throw new Error('no link mailed');
  return `/privacy/confirm/${m[1]}`;
}

test('known and unknown addresses get the same answer; only the known one gets an email', async () => {
  await insertComment(t, { siteId: site, email: 'Known.Reader@example.org' });
  const known = await ask('known.reader@EXAMPLE.org', 'export').expect(202);
  const unknown = await ask('stranger@example.org', 'export').expect(202);
  expect(unknown.body).toEqual(known.body);
  expect(JSON.stringify(known.body)).not.toContain('@');
  await drainJobs(t);
  const mails = await outboxMails(t.dataDir);
  expect(mailsTo(mails, 'known.reader@example.org')).toHaveLength(1);
  expect(mailsTo(mails, 'stranger@example.org')).toHaveLength(0);
  // Nothing about the stranger is kept.
  expect((await dumpDatabase(t)).toLowerCase()).not.toContain('stranger@example.org');
});

test('bad input', async () => {
  await ask('not-an-address', 'export').expect(400);
  await ask('a@b.org', 'shred').expect(400);
  await request(t.app).post('/api/v1/sites/no-such-site/privacy/requests').send({ email: 'a@b.org', kind: 'export' }).expect(404);
});

test('export: GET changes nothing, POST emails the JSON; the link then is used up', async () => {
  const email = 'exporter@example.org';
  const c = await insertComment(t, { siteId: site, email, body: 'My exported comment.' });
  await ask(email, 'export').expect(202);
  const link = await linkFor(email);
  const page = await request(t.app).get(link).expect(200);
  expect(page.text).toContain('<form method="post">');
  expect(page.text).not.toContain('<script');
  expect(page.text.toLowerCase()).not.toContain(email);
  expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  await request(t.app).get(link).expect(200); // still unused
  await request(t.app).post(link).type('form').send({}).expect(200);
  await request(t.app).post(link).type('form').send({}).expect(410);
  await drainJobs(t);
  const withFile = mailsTo(await outboxMails(t.dataDir), email).find((m) => m.attachments.length > 0);
  const data = JSON.parse(withFile!.attachments[0].content.toString('utf8'));
  expect(data.comments).toEqual([expect.objectContaining({ id: c.id, body: 'My exported comment.', email, ip: '203.0.113.7' })]);
  expect(await t.ctx.prisma.privacyRequest.count({ where: { email } })).toBe(0);
});

test('erase: confirmed by POST, the name leaves the thread, a confirmation email follows, then the request is forgotten', async () => {
  const email = 'Eraser@Example.org';
  await insertComment(t, { siteId: site, email, name: 'Eraser Person', page: '/erase-me' });
  await ask(email, 'erase').expect(202);
  const link = await linkFor(email);
  await request(t.app).get(link).set('Accept-Language', 'fr-FR,fr;q=0.9').expect(200).expect(/Effacer vos données/);
  const done = await request(t.app).post(link).type('form').send({ lang: 'en' }).expect(200);
  expect(done.text).toContain('1 comment no longer carries your address or name');
  const thread = await request(t.app).get(`/api/v1/sites/${site}/comments?page=/erase-me`).expect(200);
  expect(thread.body.comments[0].name).toBe('Deleted reader');
  await drainJobs(t);
  const mails = mailsTo(await outboxMails(t.dataDir), email);
  // Everything earlier (the link email) is gone from the outbox; the confirmation is the one message left.
  expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/was erased/)]);
  expect((await dumpDatabase(t)).toLowerCase()).not.toContain(email.toLowerCase());
  await request(t.app).post(link).type('form').send({}).expect(410);
});

test('a tampered link is 400, an expired one 410 (both as pages)', async () => {
  const email = 'late@example.org';
  await insertComment(t, { siteId: site, email });
  await ask(email, 'erase').expect(202);
  const link = await linkFor(email);
  const last = link.slice(-1) === 'A' ? 'B' : 'A';
  const tampered = await request(t.app).get(link.slice(0, -1) + last).expect(400);
  expect(tampered.headers['content-type']).toMatch(/html/);
  await request(t.app).post('/privacy/confirm/garbage').type('form').send({}).expect(400);
  t.clock.advance(24 * 3600_000 + 1000);
  await request(t.app).get(link).expect(410);
  await request(t.app).post(link).type('form').send({}).expect(410);
});

test('rate-limited per address (keyed by HMAC, never the address) and per IP', async () => {
  const email = 'Limited@Example.org';
  for (let i = 0; i < 5; i++) await ask(email, 'export').expect(202);
  const limited = await ask(email.toLowerCase(), 'export').expect(429);
  expect(limited.headers['retry-after']).toBeTruthy();
  const keys = (await t.ctx.prisma.rateLimit.findMany({ where: { key: { startsWith: 'privacy:' } } })).map((r) => r.key).join('\n');
  expect(keys.toLowerCase()).not.toContain('limited@example.org');
  for (let i = 0; i < 20; i++) await ask(`ip${i}@example.org`, 'export');
  await ask('fresh@example.org', 'export').expect(429);
});

test('the "Your data" page: EN and FR, a plain form posting to a page, no script', async () => {
  const en = await request(t.app).get(`/privacy/${site}`).expect(200);
  expect(en.text).toContain('<html lang="en">');
  expect(en.text).toContain(`action="/privacy/${site}?lang=en"`);
  expect(en.text).not.toMatch(/<script|style=/);
  expect(en.headers['content-security-policy']).toContain("default-src 'self'");
  const fr = await request(t.app).get(`/privacy/${site}?lang=fr`).expect(200);
  expect(fr.text).toContain('<html lang="fr">');
  expect(fr.text).toContain('Vos données');
  await request(t.app).get(`/privacy/${site}`).set('Accept-Language', 'fr').expect(200).expect(/Vos données/);
  await request(t.app).get('/privacy/no-such-site').expect(404);
  await request(t.app).get('/privacy/page.css').expect(200).expect('content-type', /css/);
});

test('the page\'s form works without JavaScript', async () => {
  t.clock.advance(2 * 3600_000); // past the rate-limit windows of the test above
  await insertComment(t, { siteId: site, email: 'form.user@example.org' });
  const sent = await request(t.app).post(`/privacy/${site}?lang=fr`).type('form').send({ email: 'form.user@example.org', kind: 'erase' }).expect(200);
  expect(sent.text).toContain('Consultez vos e-mails');
  const bad = await request(t.app).post(`/privacy/${site}`).type('form').send({ email: 'nope', kind: 'erase' }).expect(400);
  expect(bad.text).toContain('Enter a valid email address.');
  await linkFor('form.user@example.org');
});
