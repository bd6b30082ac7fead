import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildConsole } from '../../scripts/buildConsole';
import { createModerator } from '../helpers/testApp';
import { fastWorker, smtpTransportTo } from '../notifications/notificationFixtures';
import { startSmtpSink } from '../notifications/smtpSink';
import { ARTIFACTS, describeBrowser, startWidgetHarness, type WidgetHarness } from './widgetHarness';

/**
 * The moderation console in real Chromium against the running service: sign-in, the queue from the
 * keyboard, bulk actions, edits and their audit entry, bans, allowed origins, sign-out, hostile text,
 * accessibility (axe-core) and screenshots in light and dark (test-artifacts/console-*.png).
 */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

describeBrowser('the moderation console', () => {
  let h: WidgetHarness;
  let site: string;
  let admin: { id: string; apiKey: string; name: string };
  beforeAll(async () => {
    await buildConsole();
    h = await startWidgetHarness();
    site = await h.site({ mode: 'pre' });
    admin = await createModerator(h.t.ctx, { siteIds: [site], role: 'admin', name: 'Alex Admin' });
  }, 120_000);
  afterAll(() => h?.close());

  /** Opens /admin signed out, pastes the key into the field labelled "API key", and lands on `path`. */
  async function signIn(key: string, opts: { path?: string; colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {}) {
    const context = await h.browser.newContext({ colorScheme: opts.colorScheme ?? 'light', viewport: opts.viewport ?? { width: 1100, height: 900 } });
    const { page, problems } = await h.newPage({ context });
    await page.goto(`${h.service}${opts.path ?? '/admin'}`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in with the key' }).click();
    await page.locator('header#top .brand').waitFor();
    return { context, page, problems };
  }

  const queueItems = (page: Page) => page.getByRole('list', { name: 'Moderation queue' }).locator(':scope > li');

  async function statusOf(id: string): Promise<string> {
    const c = await h.t.ctx.prisma.comment.findUniqueOrThrow({ where: { id }, select: { status: true } });
    return c.status;
  }

  async function seriousViolations(page: Page): Promise<string[]> {
    // Injected through the DevTools protocol, which the page's CSP (rightly) does not let a <script> do.
    await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      type Rule = { id: string; impact: string; nodes: { target: unknown[] }[] };
      const axe = (window as unknown as { axe: { run: (ctx: unknown) => Promise<{ violations: Rule[] }> } }).axe;
      const r = await axe.run(document);
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: JSON.stringify(v.nodes.map((n) => n.target)) }));
    });
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.targets}`);
  }

  test('signed out, /admin shows the sign-in page; a wrong key is refused; the right key opens the queue', async () => {
    const { context, page, problems } = await h.newPage();
    const res = await page.goto(`${h.service}/admin`);
    expect(res!.status()).toBe(200);
    await page.getByLabel('API key').fill('pk_this-is-not-a-valid-key-at-all');
    await page.getByRole('button', { name: 'Sign in with the key' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.locator('header#top').count()).toBe(0);
    await page.getByLabel('API key').fill(admin.apiKey);
    await page.getByRole('button', { name: 'Sign in with the key' }).click();
    await page.getByRole('heading', { name: 'Moderation queue' }).waitFor();
    expect(await page.locator('header#top').textContent()).toContain('Alex Admin');
    const csp = (await page.reload())!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(problems).toEqual([]);
    await context.close();
  });

  test('sign in by email: the link from the message asks first, signs in on POST, and works only once', async () => {
    const invitee = await createModerator(h.t.ctx, { siteIds: [site], name: 'Erin Email', email: `erin.${process.pid}@moderators.example` });
    const sink = await startSmtpSink();
    const worker = fastWorker(h.t.ctx, smtpTransportTo(h.t.ctx, sink.port));
    try {
      const { context, page, problems } = await h.newPage();
      await page.goto(`${h.service}/admin`);
      await page.getByLabel('Email address').fill(invitee.email);
      await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
      await page.getByText('If this address belongs to a moderator, a sign-in link is on its way.').waitFor();
      await sink.waitFor(1);
      const mail = sink.messages.find((m) => String(m.text).includes('/admin/login/'))!;
      const link = /https?:\/\/\S+\/admin\/login\/[A-Za-z0-9_-]+/.exec(String(mail.text))![0].replace(h.t.ctx.publicUrl, h.service);
      await page.goto(link); // GET only asks: mail scanners open links too
      expect(await page.locator('header#top').count()).toBe(0);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Moderation queue' }).waitFor();
      expect(await page.locator('header#top .who').textContent()).toBe('Erin Email');
      // The same link again, in a fresh browser: refused.
      const again = await h.newPage();
      const res = await again.page.goto(link);
      expect([400, 410]).toContain(res!.status());
      expect(problems).toEqual([]);
      await again.context.close();
      await context.close();
    } finally {
      await worker.stop();
      await sink.stop();
    }
  });

  test('approve, reject and mark spam from the keyboard; acted items stay in place with Undo', async () => {
    const s = await h.site({ mode: 'pre' }, `kb-${process.pid}`);
    const mod = await createModerator(h.t.ctx, { siteIds: [s], name: 'Kim Keys' });
    const ids: string[] = [];
    for (const [name, body] of [
      ['Ada First', 'The first comment in the queue, to approve.'],
      ['Ben Second', 'The second comment, to reject.'],
      ['Cy Third', 'The third comment buys cheap pills, spam.'],
    ]) {
      ids.push((await h.post(s, { page: '/kb', name, body })).comment.id);
    }
    const { context, page, problems } = await signIn(mod.apiKey);
    const items = queueItems(page);
    await expect(items).toHaveCountSoon(3);
    // Labelled by author and first words.
    expect(await items.nth(0).getAttribute('aria-label')).toBe('Ada First: The first comment in the queue, to approve.');
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');

    await page.keyboard.press('a'); // the first item is current on load
    await items.nth(0).filter({ hasText: 'Approved' }).waitFor();
    await page.keyboard.press('r'); // the cursor moved on to the next item by itself
    await items.nth(1).filter({ hasText: 'Rejected' }).waitFor();
    await page.keyboard.press('s');
    await items.nth(2).filter({ hasText: 'Marked as spam' }).waitFor();
    expect(await Promise.all(ids.map(statusOf))).toEqual(['approved', 'rejected', 'spam']);
    // Nothing moved: three rows, in the same order, each with Undo.
    await expect(items).toHaveCountSoon(3);
    expect(await items.nth(0).getAttribute('data-id')).toBe(ids[0]);

    // k goes back up; Undo puts the comment back where it was (pending) and shows it in full again.
    await items.nth(1).getByRole('button', { name: 'Undo' }).click();
    await items.nth(1).getByRole('button', { name: 'Approve' }).waitFor();
    expect(await statusOf(ids[1])).toBe('pending');
    await page.keyboard.press('k');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    expect(await items.nth(1).locator('input.select').isChecked()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  test('approving with a click keeps the next comment where it was until the pointer leaves the row', async () => {
    const s = await h.site({ mode: 'pre' }, `mouse-${process.pid}`);
    const mod = await createModerator(h.t.ctx, { siteIds: [s], name: 'Mia Mouse' });
    for (const n of [1, 2]) await h.post(s, { page: '/mouse', name: `Clicker ${n}`, body: `A comment to click through, number ${n}, with a few more words to make it taller.` });
    const { context, page, problems } = await signIn(mod.apiKey);
    const items = queueItems(page);
    await expect(items).toHaveCountSoon(2);
    const yBefore = (await items.nth(1).boundingBox())!.y;
    await items.nth(0).getByRole('button', { name: 'Approve' }).click();
    await items.nth(0).getByRole('button', { name: 'Undo' }).waitFor();
    expect((await items.nth(1).boundingBox())!.y).toBe(yBefore);
    await page.mouse.move(5, 5);
    await page.waitForFunction((y) => document.querySelectorAll('ul.queue > li')[1].getBoundingClientRect().y < y, yBefore);
    expect(await items.nth(0).locator('.ghost').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  test('bulk-approve 20 selected comments at once', async () => {
    const s = await h.site({ mode: 'pre' }, `bulk-${process.pid}`);
    const mod = await createModerator(h.t.ctx, { siteIds: [s], name: 'Bo Bulk' });
    const ids: string[] = [];
    for (let i = 1; i <= 20; i++) ids.push((await h.post(s, { page: '/bulk', name: `Reader ${i}`, body: `Bulk comment number ${i}.` })).comment.id);
    const { context, page, problems } = await signIn(mod.apiKey);
    const items = queueItems(page);
    await expect(items).toHaveCountSoon(20);
    await page.getByLabel('Select all').check();
    const bulk = page.getByRole('group', { name: 'Act on the selected comments' });
    await bulk.getByText('20 selected').waitFor();
    await bulk.getByRole('button', { name: 'Approve' }).click();
    await expect(page.locator('ul.queue > li.done')).toHaveCountSoon(20);
    const statuses = await h.t.ctx.prisma.comment.groupBy({ by: ['status'], where: { id: { in: ids } }, _count: true });
    expect(statuses).toEqual([{ status: 'approved', _count: 20 }]);
    expect(problems).toEqual([]);
    await context.close();
  });

  test('edit a comment on its page and see the audit entry with the old text', async () => {
    const { comment } = await h.post(site, { page: '/edit', name: 'Eve Editor', body: 'Original words with a typo in them.' });
    const { context, page, problems } = await signIn(admin.apiKey, { path: `/admin/comments/${comment.id}` });
    expect(page.url()).toBe(`${h.service}/admin/comments/${comment.id}`);
    const item = page.locator(`li[data-id="${comment.id}"]`);
    await item.getByRole('button', { name: 'Edit' }).click();
    await item.getByLabel('Comment text').fill('Corrected words, without the typo.');
    await item.getByRole('button', { name: 'Save' }).click();
    await item.locator('.body', { hasText: 'Corrected words, without the typo.' }).waitFor();
    await page.reload();
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText('Original words with a typo in them.').waitFor();
    expect(await history.textContent()).toContain('Corrected words, without the typo.');
    expect(await history.textContent()).toContain('Alex Admin');
    expect(await history.textContent()).toContain('Edited');
    expect(problems).toEqual([]);
    await context.close();
  });

  test('ban the author from a comment; their next comment is refused', async () => {
    const { comment } = await h.post(site, { page: '/ban', name: 'Troll Person', email: 'troll@spam.example', body: 'Something nasty to ban.' });
    const { context, page, problems } = await signIn(admin.apiKey);
    const item = page.locator(`ul.queue > li[data-id="${comment.id}"]`);
    await item.getByRole('button', { name: 'Ban' }).click();
    const form = item.getByRole('form', { name: 'Ban this author' });
    expect(await form.getByLabel('Their email address').isChecked()).toBe(true);
    expect(await form.getByLabel('Value').inputValue()).toBe('troll@spam.example');
    await form.getByRole('button', { name: 'Ban' }).click();
    await page.locator('.live', { hasText: 'Ban added.' }).waitFor();
    const bans = await h.t.ctx.prisma.ban.findMany({ where: { siteId: site } });
    expect(bans.map((b) => [b.kind, b.value, b.expiresAt !== null])).toEqual([['email', 'troll@spam.example', true]]);
    const next = await h.post(site, { page: '/ban', name: 'Troll Again', email: 'troll@spam.example', body: 'Back again with more.' });
    expect(await statusOf(next.comment.id)).toBe('rejected');
    expect(problems).toEqual([]);
    await context.close();
  });

  test('add an allowed origin in the console and the widget loads on a page of that origin', async () => {
    const s = await h.site({ mode: 'pre' }, `origins-${process.pid}`);
    const owner = await createModerator(h.t.ctx, { siteIds: [s], role: 'admin', name: 'Olga Origins' });
    const newOrigin = h.hostOrigin.replace('127.0.0.1', 'localhost');
    const pageUrl = h.snippetPage({ site: s, page: '/origins' }).replace(h.hostOrigin, newOrigin);
    const { context, page, problems } = await signIn(owner.apiKey, { path: `/admin/sites/${s}/origins` });
    const area = page.getByRole('textbox', { name: 'Origins', exact: true });
    await expect(area.inputValue()).resolves.toContain(h.hostOrigin);
    await area.fill(`${await area.inputValue()}\n${newOrigin}`);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.form-status', { hasText: 'Saved.' }).waitFor();
    expect(await page.locator('#snippet').textContent()).toContain(`data-site="${s}"`);
    expect(await seriousViolations(page)).toEqual([]);
    const stored = await h.t.ctx.prisma.site.findUniqueOrThrow({ where: { id: s }, select: { allowedOrigins: true } });
    expect(stored.allowedOrigins).toContain(newOrigin);

    const reader = await h.newPage();
    // Instances apply the change within their settings cache time (at most 5 s): reload until it shows.
    let loaded = false;
    for (let i = 0; i < 15 && !loaded; i++) {
      await reader.page.goto(pageUrl);
      loaded = await reader.page
        .locator('#parley-count')
        .filter({ hasText: /comment/ })
        .waitFor({ timeout: 1000 })
        .then(() => true, () => false);
    }
    expect(loaded).toBe(true);
    expect(problems).toEqual([]);
    await reader.context.close();
    await context.close();
  });

  test('site pages: save settings, list and remove a ban, invite a moderator, retry a dead notification, spam folder', async () => {
    const s = await h.site({ mode: 'pre' }, `admin-${process.pid}`);
    const owner = await createModerator(h.t.ctx, { siteIds: [s], role: 'admin', name: 'Sam Settings' });
    const { context, page, problems } = await signIn(owner.apiKey, { path: `/admin/sites/${s}/settings` });
    await page.getByLabel('Post-moderation: published unless a rule holds it').check();
    await page.getByLabel('Hold words (one per line): a comment containing one waits').fill('casino\nlottery');
    await page.getByLabel('Hold comments with more links than').fill('4');
    await page.getByLabel('Site name').fill('The Daily Admin');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.form-status', { hasText: 'Saved.' }).waitFor();
    const stored = await h.t.ctx.prisma.site.findUniqueOrThrow({ where: { id: s }, select: { name: true, settings: true } });
    expect(stored.name).toBe('The Daily Admin');
    expect(stored.settings).toMatchObject({ mode: 'post', maxLinks: 4, holdWords: ['casino', 'lottery'] });
    // Try the saved rules on a sample: held for the hold word, in plain words.
    await page.getByRole('form', { name: 'Try the rules' }).getByLabel('Comment').fill('Win big at the casino tonight');
    await page.getByRole('button', { name: 'Try', exact: true }).click();
    await page.locator('.try-result li[data-code="hold_word:casino"]', { hasText: 'It contains the hold word “casino”.' }).waitFor();
    // A value out of range is refused with the server's words, and nothing changes.
    await page.getByLabel('Hold comments with more links than').fill('1000');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.form-status.error').waitFor();
    expect(await page.getByLabel('Hold comments with more links than').getAttribute('aria-invalid')).toBe('true');

    await page.getByRole('link', { name: 'Bans' }).click();
    await page.getByLabel('Value').fill('*@spam.example');
    await page.getByRole('button', { name: 'Ban' }).click();
    const row = page.getByRole('row', { name: /\*@spam\.example/ });
    await row.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await row.getByRole('button', { name: /Remove/ }).click();
    await page.getByText('No bans.').waitFor();

    await page.getByRole('link', { name: 'Moderators' }).click();
    await page.getByRole('row', { name: /Sam Settings/ }).waitFor();
    await page.getByLabel('Name').fill('Nina New');
    await page.getByLabel('Email').fill(`nina.${process.pid}@moderators.example`);
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByRole('row', { name: /Nina New/ }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    const { comment } = await h.post(s, { page: '/jobs', name: 'Job Author', body: 'A comment whose notification died.' });
    await h.t.ctx.prisma.job.create({ data: { kind: 'notify_new_comment', payload: { siteId: s, commentId: comment.id }, status: 'dead', attempts: 8, lastError: 'SMTP said no' } });
    await page.getByRole('link', { name: 'Notifications' }).click();
    const dead = page.getByRole('row', { name: /SMTP said no/ });
    await dead.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await dead.getByRole('button', { name: /Retry/ }).click();
    await page.getByText('No failed notifications.').waitFor();

    const spam = await h.post(s, { page: '/spam', name: 'Spammy', body: 'Buy now at my shop, best prices.' });
    await h.t.ctx.prisma.comment.update({ where: { id: spam.comment.id }, data: { status: 'spam' } });
    await page.getByRole('link', { name: 'Spam', exact: true }).click();
    await page.getByRole('heading', { name: 'Spam per day (30 days)' }).waitFor();
    await page.getByText('Last 30 days: 1 sent to spam, 0 marked not spam.').waitFor();
    expect(await page.locator('table.days tbody tr').count()).toBe(1);
    await page.screenshot({ path: path_('console-spam-light.png'), fullPage: true });
    const item = page.locator(`ul.queue > li[data-id="${spam.comment.id}"]`);
    await item.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await item.getByRole('button', { name: 'Not spam' }).click();
    await item.filter({ hasText: 'Back to pending' }).waitFor();
    expect(await statusOf(spam.comment.id)).toBe('pending');
    expect(problems.filter((p) => !p.includes('404'))).toEqual([]);
    await context.close();
  });

  test('a moderator who is not an admin gets the 403 page on site pages', async () => {
    const mod = await createModerator(h.t.ctx, { siteIds: [site], name: 'Mo Moderator' });
    const { context, page } = await signIn(mod.apiKey);
    const res = await page.goto(`${h.service}/admin/sites/${site}/settings`);
    expect(res!.status()).toBe(403);
    await page.getByRole('heading', { name: 'Admins only' }).waitFor();
    expect(await page.getByRole('navigation').first().textContent()).not.toContain(`Site ${site}`);
    await context.close();
  });

  test('hostile names and texts run no script in the console', async () => {
    const s = await h.site({ mode: 'pre' }, `xss-${process.pid}`);
    const mod = await createModerator(h.t.ctx, { siteIds: [s], name: 'Xavier <b>Safe</b>' });
    const payloads = [
      { name: '<img src=x onerror=alert(1)>', body: '<script>alert(2)</script><img src=x onerror=alert(3)> hello' },
      { name: '"><svg onload=alert(4)>', body: '[click](javascript:alert(5)) and <a href="javascript:alert(6)">link</a>' },
      { name: "Robert'); alert(7);//", body: '<iframe src="javascript:alert(8)"></iframe>{{constructor.constructor("alert(9)")()}}' },
    ];
    for (const p of payloads) await h.post(s, { page: '/xss"><script>alert(10)</script>', pageTitle: '<script>alert(11)</script>', ...p });
    const { context, page, problems } = await signIn(mod.apiKey);
    const items = queueItems(page);
    await expect(items).toHaveCountSoon(3);
    expect(await items.nth(0).locator('.author').textContent()).toBe('<img src=x onerror=alert(1)>');
    expect(await page.locator('header#top .who').textContent()).toBe('Xavier <b>Safe</b>');
    // Open each comment's page and thread too.
    await page.goto(`${h.service}/admin/comments/${await items.nth(1).getAttribute('data-id')}`);
    await page.locator('h1', { hasText: 'svg' }).waitFor();
    expect(await page.locator('script').count()).toBe(1); // only console.js
    expect(await page.locator('main img, main svg, main iframe').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(problems).toEqual([]); // no dialog opened, no CSP report
    await context.close();
  });

  test('new comments are announced by polling and appended; the list does not move under the cursor', async () => {
    const s = await h.site({ mode: 'pre' }, `poll-${process.pid}`);
    const mod = await createModerator(h.t.ctx, { siteIds: [s], name: 'Pat Poll' });
    for (const n of [1, 2]) await h.post(s, { page: '/poll', name: `Early ${n}`, body: `Early comment ${n}.` });
    const context = await h.browser.newContext();
    const { page, problems } = await h.newPage({ context });
    await page.clock.install();
    await page.goto(`${h.service}/admin`);
    await page.getByLabel('API key').fill(mod.apiKey);
    await page.getByRole('button', { name: 'Sign in with the key' }).click();
    const items = queueItems(page);
    await expect(items).toHaveCountSoon(2);
    await page.keyboard.press('j'); // the cursor on the second item
    const late = await h.post(s, { page: '/poll', name: 'Late Comer', body: 'Arrived while the moderator was working.' });
    await page.clock.runFor(11_000);
    await page.getByText('1 new comment').waitFor();
    expect(await items.count()).toBe(2);
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(items).toHaveCountSoon(3);
    expect(await items.nth(2).getAttribute('data-id')).toBe(late.comment.id);
    expect(await items.nth(1).getAttribute('aria-current')).toBe('true');
    expect(problems).toEqual([]);
    await context.close();
  });

  test('no serious accessibility violations on the queue, a comment page and the settings page; screenshots in light and dark', async () => {
    const s = await h.site({ mode: 'pre', maxLinks: 1, holdWords: ['casino'] }, `look-${process.pid}`);
    const owner = await createModerator(h.t.ctx, { siteIds: [s], role: 'admin', name: 'Lou Looks' });
    const first = await h.post(s, { page: '/2026/01/budget', pageUrl: 'https://news.example/2026/01/budget', pageTitle: 'The budget, explained', name: 'Amélie Tremblay', body: 'A balanced piece. Diversifying trade partners seems prudent, and the numbers add up.' });
    await h.approve(first.comment.id);
    const reply = await h.post(s, { page: '/2026/01/budget', pageTitle: 'The budget, explained', parentId: first.comment.id, name: 'Tom Fraser', body: 'See https://a.example and https://b.example for the casino angle.' });
    await h.post(s, { page: '/2026/01/budget', pageTitle: 'The budget, explained', name: 'Priya Natarajan', body: 'I disagree with the second paragraph: the deficit figures are from last year.' });
    for (const scheme of ['light', 'dark'] as const) {
      for (const [name, path] of [
        ['queue', '/admin'],
        ['comment', `/admin/comments/${reply.comment.id}`],
        ['settings', `/admin/sites/${s}/settings`],
      ] as const) {
        const { context, page, problems } = await signIn(owner.apiKey, { path, colorScheme: scheme });
        await page.locator(name === 'settings' ? 'form.settings' : 'ul.queue > li').first().waitFor();
        if (name === 'comment') await page.getByRole('region', { name: 'History' }).waitFor();
        expect(await seriousViolations(page)).toEqual([]);
        await page.screenshot({ path: path_(`console-${name}-${scheme}.png`), fullPage: true });
        expect(problems).toEqual([]);
        await context.close();
      }
    }
    // On a phone, in dark: the queue stays usable (no sideways scrolling).
    const phone = await signIn(owner.apiKey, { colorScheme: 'dark', viewport: { width: 390, height: 844 } });
    await phone.page.locator('ul.queue > li').first().waitFor();
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await phone.page.screenshot({ path: path_('console-queue-phone-dark.png'), fullPage: true });
    // French, with the theme toggle stored in localStorage.
    await phone.page.getByRole('button', { name: 'Dark theme' }).click();
    expect(await phone.page.evaluate(() => localStorage.getItem('parley.console.theme'))).toBe('light');
    await phone.page.getByRole('button', { name: 'Français' }).click();
    await phone.page.getByRole('heading', { name: 'File de modération' }).waitFor();
    expect(await phone.page.locator('html').getAttribute('data-theme')).toBe('light');
    // The contract's English names stay the accessible names in French.
    await phone.page.locator('ul.queue > li').first().getByRole('button', { name: 'Approve' }).waitFor();
    expect(await phone.page.locator('ul.queue > li').first().locator('button.act-approve').textContent()).toBe('Publier');
    // The one known trade-off: French buttons show French words under the contract's English names,
    // which axe reports as label-content-name-mismatch. Everything else must pass in French too.
    expect((await seriousViolations(phone.page)).filter((v) => !v.startsWith('label-content-name-mismatch'))).toEqual([]);
    await phone.page.screenshot({ path: path_('console-queue-phone-fr-light.png'), fullPage: true });
    await phone.context.close();
  });

  test('sign out, and the old session is refused', async () => {
    const { context, page } = await signIn(admin.apiKey);
    const cookie = (await context.cookies()).find((c) => c.name === 'parley_session');
    expect(cookie?.httpOnly).toBe(true);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    const me = await fetch(`${h.service}/api/v1/moderation/me`, { headers: { Cookie: `parley_session=${cookie!.value}` } });
    expect(me.status).toBe(401);
    await page.goto(`${h.service}/admin`);
    await page.getByLabel('API key').waitFor();
    expect(await page.locator('header#top').count()).toBe(0);
    await context.close();
  });
});

const path_ = (file: string) => path.join(ARTIFACTS, file);

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toHaveCountSoon(n: number): Promise<R>;
    }
  }
}

expect.extend({
  async toHaveCountSoon(locator: { count(): Promise<number> }, n: number) {
    let count = -1;
    for (let i = 0; i < 100; i++) {
      count = await locator.count();
      if (count === n) return { pass: true, message: () => `expected not ${n}` };
      await new Promise((r) => setTimeout(r, 100));
    }
    return { pass: false, message: () => `expected ${n} items, found ${count}` };
  },
});

