import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import type { AppContext } from '../../src/context';
import { REDACT_PATHS } from '../../src/logger';
import { createFileTransport } from '../../src/notifications/mailTransport';
import { moderateLinkToken, unsubscribeLinkToken } from '../../src/notifications/linkTokens';
import { startWorker } from '../../src/notifications/worker';
import { commentInput, createModerator, createSite, createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/testApp';

/**
 * A full run (comments in, thread out, moderation, failed sign-ins, one-click links, the notification
 * worker sending mail) with every log line captured at the most verbose level, then searched for the
 * secrets and personal data that must never be logged: emails (and their digests), API keys, owner
 * tokens and link tokens.
 */
let t: TestApp;
const lines: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ realClock: true, env: { TRUST_PROXY: '1' } });
});
afterAll(() => t.close());

function captureLogger() {
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  // The same redaction as production (src/logger.ts), at the most verbose level.
  return pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
}

test('no email, key or token reaches the logs of a full run', async () => {
  const log = captureLogger();
  const ctx: AppContext = { ...t.ctx, log };
  const app = createApp(ctx);
  const site = await createSite(ctx, { settings: { mode: 'pre', rateLimit: { perIp: { max: 1000, windowSeconds: 60 }, perEmail: { max: 2, windowSeconds: 60 } } } });
  const mod = await createModerator(ctx, { siteIds: [site], email: 'Secret.Moderator@Example.org' });

  const emails = ['reader.one@example.org', 'Reader.Two+tag@Example.ORG', 'flood@example.org', 'bad-email@', 'form.poster@example.org'];
  const ownerTokens: string[] = [];
  const ids: string[] = [];
  const post = (body: Record<string, unknown>) =>
    request(app).post(`/api/v1/sites/${site}/comments`).set('Origin', TEST_ORIGIN).set('X-Forwarded-For', '192.0.2.10').send(body);

  for (const email of emails.slice(0, 2)) {
    const res = await post(commentInput({ page: '/logs', email, body: `Hello from ${email}, write to me at ${email}` })).expect(201);
    ownerTokens.push(res.body.ownerToken);
    ids.push(res.body.comment.id);
  }
  // Refusals that name the email field: invalid address, duplicate, flood limit per email.
  await post(commentInput({ page: '/logs', email: emails[3] })).expect(400);
  await post(commentInput({ page: '/logs', email: emails[0], body: `Hello from ${emails[0]}, write to me at ${emails[0]}` })).expect(409);
  for (let i = 0; i < 3; i++) await post(commentInput({ page: '/logs', email: emails[2] }));
  await request(app).post(`/api/v1/sites/${site}/comments`).type('form').send({ page: '/logs', name: 'Form', email: emails[4], body: 'Posted as a form', pageUrl: `${TEST_ORIGIN}/logs` }).expect(303);

  // The thread with owner tokens, and the moderator's view (search by email, which lands in the query string).
  await request(app).get(`/api/v1/sites/${site}/comments`).query({ page: '/logs' }).set('X-Parley-Owner', ownerTokens.join(',')).expect(200);
  const auth = { Authorization: `Bearer ${mod.apiKey}` };
  await request(app).get('/api/v1/moderation/comments').query({ q: emails[0], status: 'all' }).set(auth).expect(200);
  await request(app).post(`/api/v1/moderation/comments/${ids[0]}/approve`).set(auth).expect(200);
  await request(app).patch(`/api/v1/moderation/comments/${ids[0]}`).set(auth).send({ body: `Edited; still mentions ${emails[0]}` }).expect(200);
  await request(app).get('/api/v1/moderation/audit').query({ site }).set(auth).expect(200);
  // Failed sign-ins with key-shaped secrets.
  const wrongKey = `pk_${crypto.randomBytes(32).toString('base64url')}`;
  await request(app).get('/api/v1/moderation/comments').set('Authorization', `Bearer ${wrongKey}`).expect(401);
  await request(app).get(`/api/v1/moderation/comments?key=${mod.apiKey}`).expect(401);

  // One-click links: the confirm page, the action, a reuse; and an unsubscribe link.
  const linkToken = moderateLinkToken(ctx.secretKey, { commentId: ids[1], moderatorId: mod.id, action: 'approve', now: new Date() });
  const unsubscribe = unsubscribeLinkToken(ctx.secretKey, { commentId: ids[1], now: new Date() });
  await request(app).get(`/moderate/${linkToken}`);
  await request(app).post(`/moderate/${linkToken}`).type('form').send({});
  await request(app).post(`/moderate/${linkToken}`).type('form').send({});
  await request(app).get(`/unsubscribe/${unsubscribe}`);

  // The worker sends the queued notifications (to files), logging as it goes.
  const outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-logs-'));
  const transport = createFileTransport({ ...ctx.config, dataDir: outbox }, log);
  const worker = startWorker(ctx, { transport, pollMs: 20 });
  for (let i = 0; i < 100 && (await ctx.prisma.job.count({ where: { status: { in: ['queued', 'running'] } } })) > 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await worker.stop();
  expect(await ctx.prisma.job.count({ where: { status: 'sent' } })).toBeGreaterThan(0);
  fs.rmSync(outbox, { recursive: true, force: true });

  const text = lines.join('\n');
  expect(lines.length).toBeGreaterThan(20); // the run was logged, so the search below means something
  expect(text).toContain('"method":"POST"');

  const secrets: Record<string, string> = {
    'moderator API key': mod.apiKey,
    'wrong API key': wrongKey,
    'one-click token': linkToken,
    'unsubscribe token': unsubscribe,
    'moderator email': 'Secret.Moderator@Example.org',
  };
  ownerTokens.forEach((tok, i) => (secrets[`owner token ${i}`] = tok));
  for (const email of [...emails, 'secret.moderator@example.org']) {
    secrets[`email ${email}`] = email;
    secrets[`email ${email} lower-case`] = email.toLowerCase();
    secrets[`email ${email} url-encoded`] = encodeURIComponent(email);
    secrets[`sha256 of ${email}`] = crypto.createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
    secrets[`md5 of ${email}`] = crypto.createHash('md5').update(email.trim().toLowerCase()).digest('hex');
  }
  // One exception, by design (src/notifications/mailTransport.ts): without SMTP, each mail is written to a file
  // and its one-click links are logged for the operator to click. Link tokens may appear there and nowhere else.
  const fileMailLine = (l: string) => l.includes('email written to file');
  const searched = (name: string) => (/token/.test(name) && !/owner/.test(name) ? lines.filter((l) => !fileMailLine(l)) : lines);
  const found = Object.entries(secrets)
    .filter(([name, value]) => value.length > 3 && searched(name).some((l) => l.toLowerCase().includes(value.toLowerCase())))
    .map(([name]) => `${name}: ${searched(name).find((l) => l.toLowerCase().includes(secrets[name].toLowerCase()))?.slice(0, 300)}`);
  expect(found).toEqual([]);
  // No address-shaped string at all, whatever its source.
  expect(text.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g) ?? []).toEqual([]);
});
