import request from 'supertest';
import type { AppContext } from '../../src/context';
import { jobHandlers } from '../../src/notifications/jobHandlers';
import type { MailTransport, OutgoingMail } from '../../src/notifications/mailTransport';
import { claimJobs, markJobSent } from '../../src/notifications/queue';
import { runCli } from '../cli/cliHarness';
import { sessionCookieFrom } from '../helpers/consoleSession';
import { createModerator, createSite, createTestApp, type TestApp } from '../helpers/testApp';

/**
 * Email sign-in (POST /admin/login, then the link /admin/login/{token}): the same answer for every
 * address, mail only to moderators, links that scanners cannot use up, single use, 15 minutes, refused
 * when tampered; rate limits per client address and per email address.
 */
let t: TestApp;
let site: string;
let mod: { id: string; apiKey: string; email: string; name: string };
const outbox: OutgoingMail[] = [];
const transport: MailTransport = {
  kind: 'file',
  async send(mail) {
    outbox.push(mail);
  },
  async verify() {
    return true;
  },
  close() {},
};

/** Runs the queued sign-in jobs now, as the worker would. */
async function runSignInJobs(ctx: AppContext): Promise<void> {
  for (;;) {
    const jobs = await claimJobs(ctx.prisma, { workerId: 'test', kinds: ['send_sign_in_link'], limit: 10 });
    if (!jobs.length) return;
    for (const job of jobs) {
      await jobHandlers.send_sign_in_link({ ctx, transport, job, workerId: 'test' });
      await markJobSent(ctx.prisma, job, 'test');
    }
  }
}

let ipCounter = 0;
const freshIp = () => `192.0.2.${++ipCounter}`;
const askForLink = (email: string, ip = freshIp()) =>
  request(t.app).post('/admin/login').set('X-Forwarded-For', ip).type('form').send({ email });
const linkToken = (mail: OutgoingMail) => /\/admin\/login\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1];

/** A link for a new moderator of the site (each address may ask only a few times per quarter hour). */
async function freshLink(name?: string): Promise<string> {
  const who = await createModerator(t.ctx, { siteIds: [site], name });
  outbox.length = 0;
  await askForLink(who.email).expect(200);
  await runSignInJobs(t.ctx);
  expect(outbox).toHaveLength(1);
  return linkToken(outbox[0]);
}

beforeAll(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: '1' } });
  site = await createSite(t.ctx);
  mod = await createModerator(t.ctx, { siteIds: [site], name: 'Maya Moderator' });
});
afterAll(() => t.close());
beforeEach(() => {
  outbox.length = 0;
});

test('a known and an unknown address get byte-identical answers; only the known one gets mail', async () => {
  const known = await askForLink(mod.email);
  const unknown = await askForLink('nobody.here@example.org');
  expect(known.status).toBe(200);
  expect(unknown.status).toBe(known.status);
  expect(unknown.text).toBe(known.text);
  expect(known.text).toContain('If this address belongs to a moderator, a sign-in link is on its way.');
  expect(known.text).not.toContain(mod.email);
  expect(unknown.headers['set-cookie']).toBeUndefined();

  // Both did the same work: one job each, and neither job holds the address.
  const jobs = await t.ctx.prisma.job.findMany({ where: { kind: 'send_sign_in_link' } });
  expect(jobs).toHaveLength(2);
  for (const job of jobs) {
    expect(JSON.stringify(job.payload)).not.toMatch(/@|nobody|example\.org/);
  }
  await runSignInJobs(t.ctx);
  expect(outbox).toHaveLength(1);
  expect(outbox[0].to.address).toBe(mod.email);
  expect(outbox[0].subject).toBe('Your sign-in link for the Parley console');
  expect(outbox[0].text).toContain('Hello Maya Moderator');
  expect(outbox[0].html).toContain(`http://parley.test/admin/login/${linkToken(outbox[0])}`);
});

test('the address is matched without regard to case or surrounding spaces', async () => {
  await askForLink(`  ${mod.email.toUpperCase()} `).expect(200);
  await runSignInJobs(t.ctx);
  expect(outbox.map((m) => m.to.address)).toEqual([mod.email]);
});

test("the link's GET only asks; its POST signs in once and goes to /admin", async () => {
  const token = await freshLink('Maya Moderator');
  for (let i = 0; i < 2; i++) {
    const page = await request(t.app).get(`/admin/login/${token}`).expect(200);
    expect(page.text).toMatch(/<button type="submit">Sign in<\/button>/);
    expect(page.headers['set-cookie']).toBeUndefined();
  }
  const res = await request(t.app).post(`/admin/login/${token}`).type('form').send({});
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe('/admin');
  const cookie = sessionCookieFrom(res);
  const me = await request(t.app).get('/api/v1/moderation/me').set('Cookie', cookie).expect(200);
  expect(me.body.moderator).toEqual({ id: expect.any(String), name: 'Maya Moderator' });
  expect(me.body.sites).toEqual([{ id: site, name: `Site ${site}`, role: 'moderator' }]);

  // Used: both the confirm page and a second POST say so (410), and no second session starts.
  expect((await request(t.app).get(`/admin/login/${token}`)).status).toBe(410);
  const again = await request(t.app).post(`/admin/login/${token}`);
  expect(again.status).toBe(410);
  expect(again.type).toBe('text/html');
  expect(again.text).toContain('already used');
  expect(again.headers['set-cookie']).toBeUndefined();
});

test('an expired link is refused with 410', async () => {
  const token = await freshLink();
  t.clock.advance(15 * 60 * 1000 + 1000);
  expect((await request(t.app).get(`/admin/login/${token}`)).status).toBe(410);
  const res = await request(t.app).post(`/admin/login/${token}`);
  expect(res.status).toBe(410);
  expect(res.text).toContain('expired');
  expect(res.headers['set-cookie']).toBeUndefined();
});

test('a tampered, unknown or malformed link is refused with 400', async () => {
  const token = await freshLink();
  const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  for (const bad of [flipped, 'A'.repeat(43), 'short', `${token}x`, encodeURIComponent('<script>alert(1)</script>')]) {
    const get = await request(t.app).get(`/admin/login/${bad}`);
    expect(get.status).toBe(400);
    expect(get.text).not.toContain('<script>');
    const post = await request(t.app).post(`/admin/login/${bad}`);
    expect(post.status).toBe(400);
    expect(post.headers['set-cookie']).toBeUndefined();
  }
  // The real one still works.
  expect((await request(t.app).post(`/admin/login/${token}`)).status).toBe(303);
});

test("a link posted from another origin is refused (it would sign the victim's browser in as someone else)", async () => {
  const token = await freshLink();
  const res = await request(t.app).post(`/admin/login/${token}`).set('Origin', 'https://evil.example');
  expect(res.status).toBe(403);
  expect((await request(t.app).post(`/admin/login/${token}`).set('Origin', 'http://parley.test')).status).toBe(303);
});

test('an email session ends when the moderator is revoked, and their unused links stop working', async () => {
  const other = await createModerator(t.ctx, { siteIds: [site] });
  await askForLink(other.email).expect(200);
  await askForLink(other.email).expect(200);
  await runSignInJobs(t.ctx);
  const [first, second] = outbox.map(linkToken);
  const cookie = sessionCookieFrom(await request(t.app).post(`/admin/login/${first}`).expect(303));
  // A new API key does not end an email session (it was not signed in with a key).
  expect((await runCli(t.ctx, 'moderator', 'key', other.id)).code).toBe(0);
  await request(t.app).get('/api/v1/moderation/me').set('Cookie', cookie).expect(200);

  expect((await runCli(t.ctx, 'moderator', 'revoke', other.id)).code).toBe(0);
  expect((await request(t.app).get('/api/v1/moderation/me').set('Cookie', cookie)).status).toBe(401);
  expect((await request(t.app).post(`/admin/login/${second}`)).status).toBe(400);
});

test('per email address: past 3 requests in 15 minutes the same page comes back but nothing more is sent', async () => {
  const other = await createModerator(t.ctx, { siteIds: [site] });
  const bodies = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const res = await askForLink(other.email).expect(200);
    bodies.add(res.text);
  }
  expect(bodies.size).toBe(1);
  await runSignInJobs(t.ctx);
  expect(outbox).toHaveLength(3);
  t.clock.advance(15 * 60 * 1000 + 1000);
  await askForLink(other.email).expect(200);
  await runSignInJobs(t.ctx);
  expect(outbox).toHaveLength(4);
});

test('per client address: a sweep of addresses is stopped with 429', async () => {
  const ip = freshIp();
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) statuses.push((await askForLink(`sweep${i}@example.org`, ip)).status);
  expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
  expect(statuses.slice(10)).toEqual([429, 429]);
  const limited = await askForLink('sweep-last@example.org', ip);
  expect(limited.type).toBe('text/html');
  expect(limited.headers['retry-after']).toBeDefined();
});

test('a malformed address gets the sign-in page with an error (400), in French when asked', async () => {
  const jobsBefore = await t.ctx.prisma.job.count({ where: { kind: 'send_sign_in_link' } });
  const res = await request(t.app).post('/admin/login?lang=fr').set('X-Forwarded-For', freshIp()).type('form').send({ email: 'not an address' });
  expect(res.status).toBe(400);
  expect(res.text).toContain('<html lang="fr">');
  expect(res.text).toContain('Saisissez une adresse e-mail valide.');
  expect(res.text).not.toContain('not an address');
  expect(await t.ctx.prisma.job.count({ where: { kind: 'send_sign_in_link' } })).toBe(jobsBefore);
});

test('oversized or odd posts to the sign-in routes get error pages, never a 500', async () => {
  const big = await request(t.app).post('/admin/login').set('X-Forwarded-For', freshIp()).type('form').send({ email: `${'a'.repeat(5000)}@example.org` });
  expect(big.status).toBe(413);
  expect(big.type).toBe('text/html');
  const json = await request(t.app).post('/admin/login').set('X-Forwarded-For', freshIp()).send({ email: mod.email });
  expect(json.status).toBe(400);
  expect(json.type).toBe('text/html');
  const keyJson = await request(t.app).post('/admin/login/key').set('X-Forwarded-For', freshIp()).send({ key: mod.apiKey });
  expect(keyJson.status).toBe(400);
  const arrays = await request(t.app).post('/admin/login').set('X-Forwarded-For', freshIp()).type('form').send('email=a%40b.example&email=c%40d.example');
  expect(arrays.status).toBe(400);
  const hostileNext = await request(t.app).post('/admin/login').set('X-Forwarded-For', freshIp()).type('form').send({ email: 'x@example.org', next: '/admin"><script>alert(1)</script>' });
  expect(hostileNext.status).toBe(200);
  expect(hostileNext.text).not.toContain('<script>');
  expect(hostileNext.text).toContain('name="next" value="/admin"');
});

test('a link asked for from a console page returns there after signing in', async () => {
  const who = await createModerator(t.ctx, { siteIds: [site] });
  await request(t.app).post('/admin/login').set('X-Forwarded-For', freshIp()).type('form').send({ email: who.email, next: '/admin/comments/abc?site=x' }).expect(200);
  await runSignInJobs(t.ctx);
  const url = /http:\/\/parley\.test(\/admin\/login\/[A-Za-z0-9_-]{43}\?next=[^\s]+)/.exec(outbox[0].text)![1];
  expect(url).toContain(`?next=${encodeURIComponent('/admin/comments/abc?site=x')}`);
  await request(t.app).get(url).expect(200);
  const res = await request(t.app).post(url).expect(303);
  expect(res.headers.location).toBe('/admin/comments/abc?site=x');
  // A next edited to leave the console is ignored.
  const other = await freshLink();
  const evil = await request(t.app).post(`/admin/login/${other}?next=${encodeURIComponent('https://evil.example/')}`).expect(303);
  expect(evil.headers.location).toBe('/admin');
});
