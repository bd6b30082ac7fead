import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { MailTransport } from '../../src/notifications/mailTransport';
import { jobHandlers, PermanentJobError } from '../../src/notifications/jobHandlers';
import { startWorker } from '../../src/notifications/worker';
import { isPublicAddress, literalHostRefused } from '../../src/webhooks/addressPolicy';
import { sendWebhook } from '../../src/webhooks/sendWebhook';
import { commentInput, createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/** Webhooks: registration (admin only, SSRF refusals), signed deliveries through the job queue, retries, the log. */

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A real HTTP receiver on loopback that fails the first `failFirst` requests with 500. */
async function startReceiver(failFirst: number) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const answered = received.length < failFirst ? 500 : 204;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
      res.statusCode = answered;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { received, url: `http://127.0.0.1:${port}/hooks/parley`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** What a receiver does (the README shows the same in a few lines). */
function verifySignature(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const noMail: MailTransport = { kind: 'file', send: async () => {}, verify: async () => true, close() {} };

async function waitFor(check: () => Promise<boolean> | boolean, what: string, ms = 15_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('with WEBHOOK_ALLOW_PRIVATE=true (a receiver on loopback)', () => {
  let t: TestApp;
  let site: string;
  let admin: { apiKey: string };
  beforeAll(async () => {
    t = await createTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' }, realClock: true });
    site = await createSite(t.ctx, { settings: { mode: 'pre' } });
    admin = await createModerator(t.ctx, { siteIds: [site], role: 'admin' });
  });
  afterAll(() => t.close());

  test('a delivery that fails twice arrives the third time, once, signed, with one delivery id', async () => {
    const receiver = await startReceiver(2);
    const worker = startWorker(t.ctx, { transport: noMail, pollMs: 20, backoff: { baseMs: 30, maxMs: 100 }, stopTimeoutMs: 5000 });
    try {
      const reg = await request(t.app).post(`/api/v1/moderation/sites/${site}/webhooks`).set('Authorization', `Bearer ${admin.apiKey}`)
        .send({ url: receiver.url, events: ['comment.approved'] }).expect(201);
      const { id: hookId, secret } = reg.body.webhook;
      expect(secret).toMatch(/^whsec_/);

      const email = 'Webhook.Reader@Example.org';
      const posted = await request(t.app).post(`/api/v1/sites/${site}/comments`).set('User-Agent', 'ReaderBrowser/1.0')
        .send(commentInput({ email, name: 'Hook Reader', body: 'A comment worth announcing.' })).expect(201);
      const commentId = posted.body.comment.id;
      await request(t.app).post(`/api/v1/moderation/comments/${commentId}/approve`).set('Authorization', `Bearer ${admin.apiKey}`).expect(200);

      await waitFor(() => receiver.received.some((r) => r.answered === 204), 'the successful delivery');
      await waitFor(async () => {
        const log = await request(t.app).get(`/api/v1/moderation/sites/${site}/webhooks/${hookId}/deliveries`).set('Authorization', `Bearer ${admin.apiKey}`);
        return log.body.deliveries?.[0]?.status === 'delivered';
      }, 'the delivery log');
      // Give a duplicate every chance to show up before counting.
      await new Promise((r) => setTimeout(r, 300));

      expect(receiver.received.map((r) => r.answered)).toEqual([500, 500, 204]);
      const ids = new Set(receiver.received.map((r) => r.headers['parley-delivery']));
      expect(ids.size).toBe(1);
      for (const r of receiver.received) {
        expect(r.headers['parley-event']).toBe('comment.approved');
        expect(r.headers['content-type']).toMatch(/^application\/json/);
        expect(verifySignature(secret, String(r.headers['parley-signature']), r.body)).toBe(true);
        // The same bytes on every attempt.
        expect(r.body).toBe(receiver.received[0].body);
        expect(verifySignature('whsec_wrong', String(r.headers['parley-signature']), r.body)).toBe(false);
      }
      const payload = JSON.parse(receiver.received[2].body);
      expect(payload).toEqual({
        id: [...ids][0],
        type: 'comment.approved',
        createdAt: expect.any(String),
        data: {
          comment: expect.objectContaining({ id: commentId, name: 'Hook Reader', status: 'approved', html: expect.stringContaining('worth announcing') }),
          site,
          page: '/2026/01/carney-beijing',
        },
      });
      const raw = receiver.received[2].body.toLowerCase();
      expect(raw).not.toContain(email.toLowerCase());
      expect(raw).not.toContain('readerbrowser');
      expect(payload.data.comment).not.toHaveProperty('email');
      expect(payload.data.comment).not.toHaveProperty('ip');

      const log = await request(t.app).get(`/api/v1/moderation/sites/${site}/webhooks/${hookId}/deliveries`).set('Authorization', `Bearer ${admin.apiKey}`).expect(200);
      expect(log.body.deliveries).toEqual([
        expect.objectContaining({ id: [...ids][0], event: 'comment.approved', status: 'delivered', attempts: 3, responseStatus: 204, lastError: null }),
      ]);
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  test('comment.created goes out for a held comment (from the worker) and for one published on submission', async () => {
    const receiver = await startReceiver(0);
    const open = await createSite(t.ctx, { settings: { mode: 'post' } });
    const openAdmin = await createModerator(t.ctx, { siteIds: [site, open], role: 'admin' });
    for (const s of [site, open]) {
      await request(t.app).post(`/api/v1/moderation/sites/${s}/webhooks`).set('Authorization', `Bearer ${openAdmin.apiKey}`)
        .send({ url: receiver.url, events: ['comment.created'] }).expect(201);
    }
    const worker = startWorker(t.ctx, { transport: noMail, pollMs: 20, stopTimeoutMs: 5000 });
    try {
      const held = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput()).expect(201);
      const published = await request(t.app).post(`/api/v1/sites/${open}/comments`).send(commentInput()).expect(201);
      expect(published.body.comment.status).toBe('approved');
      await waitFor(() => receiver.received.length >= 2, 'two comment.created deliveries').catch(async (e) => { console.log(receiver.received.length, await t.ctx.prisma.job.findMany({ where: { kind: { in: ['notify_new_comment', 'deliver_webhook'] } } }), await t.ctx.prisma.webhookDelivery.findMany()); throw e; });
      const bodies = receiver.received.map((r) => JSON.parse(r.body));
      expect(bodies.map((b) => b.type)).toEqual(['comment.created', 'comment.created']);
      expect(bodies.map((b) => b.data.comment.id).sort()).toEqual([held.body.comment.id, published.body.comment.id].sort());
      expect(bodies.find((b) => b.data.site === site).data.comment.status).toBe('pending');
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });
});

describe('an author deleting their own comment', () => {
  let t: TestApp;
  afterAll(() => t?.close());
  test('is announced as comment.deleted, like a moderator\'s delete', async () => {
    t = await createTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' }, realClock: true });
    const site = await createSite(t.ctx, { settings: { mode: 'post' } });
    const admin = await createModerator(t.ctx, { siteIds: [site], role: 'admin' });
    const receiver = await startReceiver(0);
    const worker = startWorker(t.ctx, { transport: noMail, pollMs: 20, stopTimeoutMs: 5000 });
    try {
      await request(t.app).post(`/api/v1/moderation/sites/${site}/webhooks`).set('Authorization', `Bearer ${admin.apiKey}`)
        .send({ url: receiver.url, events: ['comment.deleted'] }).expect(201);
      const posted = await request(t.app).post(`/api/v1/sites/${site}/comments`).send(commentInput()).expect(201);
      await request(t.app).delete(`/api/v1/sites/${site}/comments/${posted.body.comment.id}`).set('X-Parley-Owner', posted.body.ownerToken).expect((res) => {
        if (res.status >= 300) throw new Error(`delete answered ${res.status}`);
      });
      await waitFor(() => receiver.received.length >= 1, 'the comment.deleted delivery');
      const event = JSON.parse(receiver.received[0].body);
      expect([event.type, event.data.comment.id, event.data.comment.status]).toEqual(['comment.deleted', posted.body.comment.id, 'deleted']);
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });
});

describe('registration and management', () => {
  let t: TestApp;
  let site: string;
  let admin: { apiKey: string };
  let moderator: { apiKey: string };
  beforeAll(async () => {
    t = await createTestApp();
    site = await createSite(t.ctx);
    admin = await createModerator(t.ctx, { siteIds: [site], role: 'admin' });
    moderator = await createModerator(t.ctx, { siteIds: [site], role: 'moderator' });
  });
  afterAll(() => t.close());
  const hooks = () => `/api/v1/moderation/sites/${site}/webhooks`;

  test.each([
    'http://127.0.0.1:8080/hook',
    'http://127.1/hook',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::ffff:7f00:1]/hook',
    'http://10.0.0.5/hook',
    'http://192.168.1.20/hook',
    'http://172.16.0.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[fe80::1]/hook',
    'http://[fd00::1]/hook',
    'http://0.0.0.0/hook',
    'http://localhost:3000/hook',
    'http://localhost.:3000/hook',
    'http://api.localhost/hook',
  ])('%s is refused without WEBHOOK_ALLOW_PRIVATE', async (url) => {
    const res = await request(t.app).post(hooks()).set('Authorization', `Bearer ${admin.apiKey}`).send({ url, events: ['comment.created'] }).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.fields.url).toMatch(/private/);
  });

  test('bad input gets field errors', async () => {
    const bad = [
      { url: 'ftp://example.com/x', events: ['comment.created'] },
      { url: 'https://user:pw@example.com/x', events: ['comment.created'] },
      { url: 'not a url', events: ['comment.created'] },
      { url: 'https://hooks.example.com/x', events: [] },
      { url: 'https://hooks.example.com/x', events: ['comment.exploded'] },
      { url: 'https://hooks.example.com/x' },
    ];
    for (const body of bad) {
      const res = await request(t.app).post(hooks()).set('Authorization', `Bearer ${admin.apiKey}`).send(body).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  test('admins register, list and remove; the secret is shown once; moderators are refused', async () => {
    await request(t.app).post(hooks()).set('Authorization', `Bearer ${moderator.apiKey}`).send({ url: 'https://hooks.example.com/p', events: ['comment.created'] }).expect(403);
    await request(t.app).get(hooks()).set('Authorization', `Bearer ${moderator.apiKey}`).expect(403);
    await request(t.app).get(hooks()).expect(401);
    const created = await request(t.app).post(hooks()).set('Authorization', `Bearer ${admin.apiKey}`)
      .send({ url: 'https://hooks.example.com/p', events: ['comment.created', 'comment.spam', 'comment.created'] }).expect(201);
    const hook = created.body.webhook;
    expect(hook).toEqual({ id: expect.any(String), url: 'https://hooks.example.com/p', events: ['comment.created', 'comment.spam'], secret: expect.stringMatching(/^whsec_/), createdAt: expect.any(String) });
    const stored = await t.ctx.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } });
    expect(stored.secretEnc).not.toContain(hook.secret);
    const list = await request(t.app).get(hooks()).set('Authorization', `Bearer ${admin.apiKey}`).expect(200);
    expect(list.body.webhooks).toEqual([{ id: hook.id, url: hook.url, events: hook.events, createdAt: hook.createdAt }]);
    expect(list.text).not.toContain(hook.secret);
    await request(t.app).get(`${hooks()}/${hook.id}/deliveries`).set('Authorization', `Bearer ${admin.apiKey}`).expect(200, { deliveries: [] });
    await request(t.app).delete(`${hooks()}/${hook.id}`).set('Authorization', `Bearer ${admin.apiKey}`).expect(204);
    await request(t.app).delete(`${hooks()}/${hook.id}`).set('Authorization', `Bearer ${admin.apiKey}`).expect(404);
    await request(t.app).get(`${hooks()}/${hook.id}/deliveries`).set('Authorization', `Bearer ${admin.apiKey}`).expect(404);
    await request(t.app).delete(`${hooks()}/not-a-uuid`).set('Authorization', `Bearer ${admin.apiKey}`).expect(400);
  });

  test('at send time, a name that resolves to loopback is refused (no request is made)', async () => {
    const receiver = await startReceiver(0);
    const port = new URL(receiver.url).port;
    try {
      const r = await sendWebhook({ url: `http://localhost:${port}/x`, secret: 's', event: 'comment.created', deliveryId: 'd', body: '{}', allowPrivate: false, now: new Date() });
      expect(r).toEqual({ ok: false, status: null, error: expect.stringMatching(/^refused/) });
      expect(receiver.received).toHaveLength(0);
      const allowed = await sendWebhook({ url: `http://localhost:${port}/x`, secret: 's', event: 'comment.created', deliveryId: 'd', body: '{}', allowPrivate: true, now: new Date() });
      expect(allowed).toEqual({ ok: true, status: 204 });
    } finally {
      await receiver.close();
    }
  });

  test('a receiver that does not answer in time is a failure (the 10 s limit, shortened here)', async () => {
    const server = http.createServer(() => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const r = await sendWebhook({ url: `http://127.0.0.1:${port}/slow`, secret: 's', event: 'comment.created', deliveryId: 'd', body: '{}', allowPrivate: true, now: new Date(), timeoutMs: 200 });
      expect(r).toEqual({ ok: false, status: null, error: expect.stringMatching(/no answer within/) });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test('a delivery still failing 24 hours after its event is given up (dead job, failed in the log)', async () => {
    const hook = await t.ctx.prisma.webhook.create({ data: { siteId: site, url: 'https://hooks.example.com/old', events: ['comment.created'], secretEnc: 'v1:x:y:z' } });
    const d = await t.ctx.prisma.webhookDelivery.create({
      data: { webhookId: hook.id, siteId: site, event: 'comment.created', body: '{}', createdAt: new Date(t.ctx.now().getTime() - 24 * 3600_000 - 1000) },
    });
    const run = jobHandlers.deliver_webhook({
      ctx: t.ctx, transport: noMail, workerId: 'w', job: { id: '1', kind: 'deliver_webhook', payload: { siteId: site, deliveryId: d.id }, attempts: 30, maxAttempts: 40 },
    });
    await expect(run).rejects.toBeInstanceOf(PermanentJobError);
    expect((await t.ctx.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: d.id } })).status).toBe('failed');
  });

  test('the address policy', () => {
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '::ffff:10.1.2.3', '10.0.0.1', '172.31.255.255', '192.168.0.1', '169.254.1.1', 'fe80::1', 'fc00::1', '100.64.0.1', '0.0.0.0', '::', '224.0.0.1']) {
      expect([ip, isPublicAddress(ip)]).toEqual([ip, false]);
    }
    for (const ip of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34']) {
      expect([ip, isPublicAddress(ip)]).toEqual([ip, true]);
    }
    expect(literalHostRefused(new URL('https://hooks.example.com/'))).toBe(false);
    expect(literalHostRefused(new URL('http://[::ffff:192.168.0.1]/'))).toBe(true);
  });
});
