import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { signInAddressKey } from '../../src/console/authLoginLinks';
import type { AppContext } from '../../src/context';
import { REDACT_PATHS } from '../../src/logger';
import { jobHandlers } from '../../src/notifications/jobHandlers';
import { createFileTransport } from '../../src/notifications/mailTransport';
import { claimJobs, markJobSent } from '../../src/notifications/queue';
import { sessionCookieFrom } from '../helpers/consoleSession';
import { createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/**
 * The console's sign-in flows, logged at the most verbose level with production redaction, leave no email
 * address (nor its HMAC), API key, session cookie, CSRF token or sign-in link token in the logs.
 */
let t: TestApp;
let dataDir: string;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-console-logs-'));
  t = await createTestApp({ env: { TRUST_PROXY: '1', DATA_DIR: dataDir } });
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('sign-in by key and by email, sign-out and an invitation log no secret and no address', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const log = pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
  const ctx: AppContext = { ...t.ctx, log };
  const app = createApp(ctx);
  const site = await createSite(ctx);
  const admin = await createModerator(ctx, { siteIds: [site], role: 'admin', email: 'Console.Admin@Example.org' });
  const secrets: string[] = [admin.apiKey, admin.email, admin.email.toLowerCase(), 'unknown.person@example.org', 'invitee@example.org'];

  // Key sign-in (wrong, then right), /me, an invitation, email sign-in for a known and an unknown address.
  await request(app).post('/admin/login/key').set('X-Forwarded-For', '198.51.100.7').type('form').send({ key: 'pk_wrongwrongwrongwrong' }).expect(401);
  const signedIn = await request(app).post('/admin/login/key').set('X-Forwarded-For', '198.51.100.7').type('form').send({ key: admin.apiKey }).expect(303);
  const cookie = sessionCookieFrom(signedIn);
  const csrf = (await request(app).get('/api/v1/moderation/me').set('Cookie', cookie).expect(200)).body.csrfToken as string;
  secrets.push(cookie.split('=')[1], csrf);
  await request(app).post(`/api/v1/moderation/sites/${site}/moderators`).set('Cookie', cookie).set('X-CSRF-Token', csrf)
    .send({ name: 'Ivy Invitee', email: 'invitee@example.org', role: 'moderator' }).expect(201);
  for (const email of [admin.email, 'unknown.person@example.org']) {
    await request(app).post('/admin/login').set('X-Forwarded-For', '198.51.100.8').type('form').send({ email }).expect(200);
    secrets.push(signInAddressKey(ctx.secretKey, email));
  }

  // The jobs run with the .eml file transport (which logs each message's subject and links).
  const transport = createFileTransport(ctx.config, log);
  for (const job of await claimJobs(ctx.prisma, { workerId: 'logs', kinds: ['send_sign_in_link'], limit: 10 })) {
    await jobHandlers.send_sign_in_link({ ctx, transport, job, workerId: 'logs' });
    await markJobSent(ctx.prisma, job, 'logs');
  }
  const mailDir = path.join(dataDir, 'mail');
  const files = fs.readdirSync(mailDir);
  expect(files).toHaveLength(2); // the invitee and the known address; nothing for the unknown one
  const tokens = files.flatMap((f) => [...fs.readFileSync(path.join(mailDir, f), 'utf8').matchAll(/\/admin\/login\/([A-Za-z0-9_-]{43})/g)].map((m) => m[1]));
  expect(tokens.length).toBeGreaterThanOrEqual(2);
  secrets.push(...tokens);

  // Use a link (GET then POST), then sign out.
  await request(app).get(`/admin/login/${tokens[0]}`).expect(200);
  await request(app).post(`/admin/login/${tokens[0]}`).expect(303);
  await request(app).post('/admin/logout').set('Cookie', cookie).type('form').send({ _csrf: csrf }).expect(303);

  const all = lines.join('\n');
  expect(all).toContain('console sign-in');
  expect(all).toContain('/admin/login/[token]');
  for (const secret of secrets) expect(all).not.toContain(secret);
  expect(all.toLowerCase()).not.toMatch(/@example\.org/);
});
