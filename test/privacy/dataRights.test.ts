import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { signInAddressKey } from '../../src/console/authLoginLinks';
import { enqueueJob } from '../../src/notifications/queue';
import { privacyEmailKey } from '../../src/privacy/readerAddress';
import { commentInput, createModerator, createSite, type TestApp } from '../helpers/testApp';
import { createPrivacyApp, drainJobs, dumpDatabase, mailsTo, outboxFiles, outboxMails } from './privacyHarness';

/**
 * Admin export and erasure by address: scope (only the admin's sites), every stored field in the export,
 * and an erasure that leaves no trace of the address in any table or in the mail outbox.
 */
let t: TestApp & { dataDir: string };
let site: string;
let otherSite: string;
let admin: { id: string; apiKey: string };
let plainModerator: { apiKey: string };
beforeAll(async () => {
  t = await createPrivacyApp();
  site = await createSite(t.ctx, { settings: { mode: 'pre' } });
  otherSite = await createSite(t.ctx, { settings: { mode: 'pre' } });
  admin = await createModerator(t.ctx, { siteIds: [site], role: 'admin' });
  plainModerator = await createModerator(t.ctx, { siteIds: [site, otherSite], role: 'moderator' });
});
afterAll(() => t.close());

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

async function post(siteId: string, overrides: Record<string, unknown>) {
  const res = await request(t.app).post(`/api/v1/sites/${siteId}/comments`).set('User-Agent', 'PrivacyTestBrowser/2.0').send(commentInput(overrides)).expect(201);
  return { id: res.body.comment.id as string, ownerToken: res.body.ownerToken as string };
}

describe('admin export', () => {
  const email = 'Export.Reader@Example.net';
  test('every stored field of the address\'s comments on the admin\'s sites only; the same answer for an unknown address', async () => {
    const mine = await post(site, { email, website: 'https://export.example', body: 'Exported words.' });
    await post(otherSite, { email, body: 'Not on the admin\'s site.' });
    const res = await request(t.app).get(`/api/v1/moderation/privacy/export?email=${encodeURIComponent(email.toLowerCase())}`).set(auth(admin.apiKey)).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.sites).toEqual([site]);
    expect(res.body.comments).toHaveLength(1);
    expect(res.body.comments[0]).toEqual(expect.objectContaining({
      id: mine.id, siteId: site, email, website: expect.stringMatching(/^https:\/\/export\.example\/?$/), body: 'Exported words.', status: 'pending',
      ip: expect.any(String), userAgent: 'PrivacyTestBrowser/2.0', page: '/2026/01/carney-beijing', ownerTokenHash: expect.any(String),
      fingerprint: expect.any(String), createdAt: expect.any(String), history: [],
    }));
    const unknown = await request(t.app).get('/api/v1/moderation/privacy/export?email=nobody@example.net').set(auth(admin.apiKey)).expect(200);
    expect(unknown.body.comments).toEqual([]);
  });

  test('bad input and roles', async () => {
    const bad = await request(t.app).get('/api/v1/moderation/privacy/export?email=not-an-address').set(auth(admin.apiKey)).expect(400);
    expect(bad.body.error.fields.email).toBeDefined();
    await request(t.app).get('/api/v1/moderation/privacy/export').set(auth(admin.apiKey)).expect(400);
    await request(t.app).get(`/api/v1/moderation/privacy/export?email=a@b.org&site=${otherSite}`).set(auth(admin.apiKey)).expect(403);
    const refused = await request(t.app).get('/api/v1/moderation/privacy/export?email=a@b.org').set(auth(plainModerator.apiKey)).expect(403);
    expect(refused.body.error.code).toBe('forbidden');
    await request(t.app).get('/api/v1/moderation/privacy/export?email=a@b.org').expect(401);
    await request(t.app).post('/api/v1/moderation/privacy/erase').set(auth(admin.apiKey)).send({ email: 'a@b.org', comments: 'shred' }).expect(400);
    await request(t.app).post('/api/v1/moderation/privacy/erase').set(auth(admin.apiKey)).send({}).expect(400);
    await request(t.app).post('/api/v1/moderation/privacy/erase').set(auth(plainModerator.apiKey)).send({ email: 'a@b.org' }).expect(403);
    const none = await request(t.app).post('/api/v1/moderation/privacy/erase').set(auth(admin.apiKey)).send({ email: 'nobody@example.net' }).expect(200);
    expect(none.body).toEqual({ comments: 0 });
  });
});

describe('erasure', () => {
  const EMAIL = 'Priya.Erase@Example.ORG';
  const lower = EMAIL.toLowerCase();
  const sha = createHash('sha256').update(lower).digest('hex');

  test('after an erasure, neither the address nor its lowercase form (nor a digest of it) is anywhere in the database or the outbox', async () => {
    // Build up every kind of trace the address can leave.
    const first = await post(site, { email: EMAIL, name: 'Priya Erase', website: 'https://priya.example', notifyReplies: true, body: `Write to me at ${lower}, please.` });
    await request(t.app).post(`/api/v1/moderation/comments/${first.id}/approve`).set(auth(admin.apiKey)).expect(200);
    await request(t.app).patch(`/api/v1/moderation/comments/${first.id}`).set(auth(admin.apiKey)).send({ body: `Edited; was mailing ${EMAIL}.` }).expect(200);
    const reply = await post(site, { parentId: first.id, email: 'replier@example.com', body: `I quoted ${EMAIL} here.` });
    await request(t.app).post(`/api/v1/moderation/comments/${reply.id}/approve`).set(auth(admin.apiKey)).expect(200);
    const held = await post(site, { email: EMAIL.toUpperCase(), name: 'Priya Again', body: 'A second, held comment.' });
    await t.ctx.prisma.verifiedEmail.create({ data: { siteId: site, email: lower } });
    await t.ctx.prisma.ban.create({ data: { siteId: site, kind: 'email', value: EMAIL } });
    await request(t.app).post(`/api/v1/sites/${site}/privacy/requests`).send({ email: EMAIL, kind: 'export' }).expect(202);
    // A console sign-in attempt with the address: its rate-limit key and job name it by a digest.
    await request(t.app).post('/admin/login').type('form').send({ email: EMAIL });
    await t.ctx.prisma.job.create({ data: { kind: 'send_reply_notification', payload: { siteId: site, commentId: first.id, parentId: first.id }, status: 'dead', lastError: `550 <${lower}> mailbox full` } });
    await drainJobs(t);
    expect(mailsTo(await outboxMails(t.dataDir), EMAIL).length).toBeGreaterThanOrEqual(2); // approval + privacy link
    const before = (await dumpDatabase(t)).toLowerCase();
    expect(before).toContain(lower);
    expect(before).toContain(sha);

    const res = await request(t.app).post('/api/v1/moderation/privacy/erase').set(auth(admin.apiKey)).send({ email: `  ${EMAIL}  ` }).expect(200);
    expect(res.body).toEqual({ comments: 2 });

    const dump = await dumpDatabase(t);
    const digests = [privacyEmailKey(t.ctx.secretKey, EMAIL), signInAddressKey(t.ctx.secretKey, EMAIL)];
    for (const needle of [EMAIL, lower, sha, ...digests]) {
      expect(dump.includes(needle) || dump.toLowerCase().includes(needle.toLowerCase())).toBe(false);
    }
    for (const file of outboxFiles(t.dataDir)) {
      const text = readFileSync(file, 'utf8').toLowerCase();
      expect([file, text.includes(lower)]).toEqual([file, false]);
    }
    expect(outboxFiles(t.dataDir).length).toBeGreaterThan(0); // the replier's and moderators' other mail stays

    // What readers see: the name is gone, the text stays (anonymize), quotes are scrubbed.
    const thread = await request(t.app).get(`/api/v1/sites/${site}/comments?page=/2026/01/carney-beijing`).expect(200);
    const top = thread.body.comments.find((c: { id: string }) => c.id === first.id);
    expect(top.name).toBe('Deleted reader');
    expect(top.website).toBeNull();
    expect(top.replies[0].html).toContain('[email removed]');
    // The owner token no longer shows the held comment.
    const owned = await request(t.app).get(`/api/v1/sites/${site}/comments?page=/2026/01/carney-beijing`).set('X-Parley-Owner', held.ownerToken).expect(200);
    expect(JSON.stringify(owned.body)).not.toContain(held.id);
    const rows = await t.ctx.prisma.comment.findMany({ where: { id: { in: [first.id, held.id] } } });
    for (const c of rows) expect(c).toEqual(expect.objectContaining({ email: '', name: 'Deleted reader', website: null, ip: null, userAgent: null, notifyReplies: false }));
    // The console's view of it: no address, and erased comments are not grouped as one author.
    const context = await request(t.app).get(`/api/v1/moderation/comments/${first.id}/context`).set(auth(admin.apiKey)).expect(200);
    expect(context.body.authorComments).toEqual([]);
    expect(JSON.stringify(context.body).toLowerCase()).not.toContain(lower);
    // The audit log records the erasure, naming no address.
    const audit = await request(t.app).get(`/api/v1/moderation/audit?site=${site}`).set(auth(admin.apiKey)).expect(200);
    expect(JSON.stringify(audit.body).toLowerCase()).not.toContain(lower);
    expect(JSON.stringify(audit.body)).toContain('erase_anonymize');
  });

  test('"delete" also removes the text and takes the comments out of the thread and its count', async () => {
    const email = 'delete.me@example.org';
    const c = await post(site, { email, page: '/delete-page', body: 'Words to remove entirely.' });
    await request(t.app).post(`/api/v1/moderation/comments/${c.id}/approve`).set(auth(admin.apiKey)).expect(200);
    const counts = () => request(t.app).get(`/api/v1/sites/${site}/counts?page=/delete-page`).expect(200);
    expect((await counts()).body.counts['/delete-page']).toBe(1);
    const res = await request(t.app).post('/api/v1/moderation/privacy/erase').set(auth(admin.apiKey)).send({ email, comments: 'delete' }).expect(200);
    expect(res.body).toEqual({ comments: 1 });
    const row = await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: c.id } });
    expect(row).toEqual(expect.objectContaining({ status: 'deleted', body: '', name: 'Deleted reader', email: '' }));
    expect((await counts()).body.counts['/delete-page']).toBe(0);
    const thread = await request(t.app).get(`/api/v1/sites/${site}/comments?page=/delete-page`).expect(200);
    expect(thread.body.comments).toEqual([]);
  });

  test('only the admin\'s sites are touched', async () => {
    const email = 'two.sites@example.org';
    await post(site, { email });
    const elsewhere = await post(otherSite, { email });
    expect((await request(t.app).post('/api/v1/moderation/privacy/erase').set(auth(admin.apiKey)).send({ email }).expect(200)).body).toEqual({ comments: 1 });
    expect((await t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: elsewhere.id } })).email).toBe(email);
  });

  test('queued mail about an erased comment is dropped', async () => {
    const email = 'queued.mail@example.org';
    const c = await post(site, { email });
    await t.ctx.prisma.$transaction((tx) => enqueueJob(tx, 'send_approved_notification', { siteId: site, commentId: c.id }));
    await request(t.app).post('/api/v1/moderation/privacy/erase').set(auth(admin.apiKey)).send({ email }).expect(200);
    const left = await t.ctx.prisma.job.count({ where: { kind: 'send_approved_notification', status: 'queued', payload: { path: ['commentId'], equals: c.id } } });
    expect(left).toBe(0);
  });
});
