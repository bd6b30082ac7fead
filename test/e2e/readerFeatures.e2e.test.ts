import path from 'node:path';
import type { Page } from 'playwright-core';
import { manageSubscriptionsUrl } from '../../src/notifications/replySubscriptions';
import { TEST_PUBLIC_URL } from '../helpers/testApp';
import { ARTIFACTS, describeBrowser, startWidgetHarness, type WidgetHarness } from './widgetHarness';

/**
 * The reader's features in real Chromium: Markdown, editing and deleting one's own comment, permalinks on a
 * long thread, sorting, the no-JS embed's edit and delete, and the reply-email management page.
 */
describeBrowser('reader features', () => {
  let h: WidgetHarness;
  beforeAll(async () => {
    h = await startWidgetHarness();
  }, 120_000);
  afterAll(() => h?.close());

  // Published at once, and no "too fast" check: a test types faster than people.
  const openSite = () => h.site({ mode: 'post', minSubmitSeconds: 0 });
  const widgetReady = (page: Page) => page.locator('#parley-count').filter({ hasText: /comment/ }).waitFor();

  async function text(page: Page, selector: string, expected: string | RegExp) {
    const loc = page.locator(selector).first();
    await loc.waitFor();
    const deadline = Date.now() + 5000;
    let actual = '';
    while (Date.now() < deadline) {
      actual = ((await loc.textContent()) ?? '').trim();
      if (typeof expected === 'string' ? actual === expected : expected.test(actual)) return;
      await page.waitForTimeout(50);
    }
    expect(actual).toEqual(expected);
  }

  async function postFromWidget(page: Page, body: string) {
    await page.fill('#parley-name', 'Rita Reader');
    await page.fill('#parley-email', 'rita.reader@example.org');
    await page.fill('#parley-body', body);
    await page.click('button[type=submit]');
    await text(page, 'form .st', /Thank you!/);
  }

  test('format a comment, edit it within the window, get the message after it, delete', async () => {
    const site = await openSite();
    const url = h.snippetPage({ site, page: '/format' });
    const { context, page, problems } = await h.newPage();
    await page.goto(url);
    await widgetReady(page);

    // Formatting help under the form, closed until asked.
    expect(await page.locator('details.fh ul').isVisible()).toBe(false);
    await page.click('details.fh summary');
    await text(page, 'details.fh li', '**bold** bold');

    await postFromWidget(page, 'This is **important**.\n\n> A quoted line\n\nSee [the source](https://source.example/a).');
    await page.locator('li.c', { hasText: 'important' }).waitFor();
    const id = (await page.locator('li.c', { hasText: 'important' }).getAttribute('data-id'))!;
    const mine = page.locator(`li#parley-${id}`);
    await text(page, 'li.c .tx strong', 'important');
    await text(page, 'li.c .tx blockquote', 'A quoted line');
    expect(await mine.locator('.tx a').getAttribute('href')).toBe('https://source.example/a');
    expect(await mine.locator('.tx a').getAttribute('rel')).toBe('nofollow ugc noopener');
    await text(page, '#parley-count', '1 comment');
    await page.screenshot({ path: path.join(ARTIFACTS, 'reader-formatted.png') });

    // Edit within the window: the box starts from the text as written.
    await mine.locator('button', { hasText: 'Edit' }).click();
    expect(await mine.locator('textarea').inputValue()).toContain('This is **important**.');
    await mine.locator('textarea').fill('This is **very important**, with a typo fixed.');
    await mine.locator('button', { hasText: 'Save' }).click();
    await text(page, 'li.c .tx', 'This is very important, with a typo fixed.');
    await text(page, 'li.c .tx strong', 'very important');
    await text(page, 'li.c > .cb .st', 'Your comment was updated.');
    // A fresh reader sees the new text.
    const fresh = await h.newPage();
    await fresh.page.goto(url);
    await widgetReady(fresh.page);
    await text(fresh.page, 'li.c .tx', 'This is very important, with a typo fixed.');
    expect(await fresh.page.locator('li.c button', { hasText: 'Edit' }).count()).toBe(0);

    // After the window (the comment is made 20 minutes old): the message, and no more Edit.
    await h.t.ctx.prisma.comment.update({ where: { id }, data: { createdAt: new Date(Date.now() - 20 * 60_000) } });
    await mine.locator('button', { hasText: 'Edit' }).click();
    await mine.locator('textarea').fill('Too late now.');
    await mine.locator('button', { hasText: 'Save' }).click();
    await text(page, 'li.c > .cb .st.bad', 'The time to edit or delete this comment has passed.');
    expect(await mine.locator('button', { hasText: 'Edit' }).count()).toBe(0);
    await text(page, 'li.c .tx', 'This is very important, with a typo fixed.');

    // Delete: a second comment, asked once more before it goes.
    await postFromWidget(page, 'A comment to delete.');
    const doomed = page.locator('li.c', { hasText: 'A comment to delete.' });
    await text(page, '#parley-count', '2 comments');
    await doomed.locator('button', { hasText: 'Delete' }).click();
    await text(page, 'li.c [role=group]', /Delete this comment\?/);
    await doomed.locator('[role=group] button', { hasText: 'Delete' }).click();
    await text(page, '#parley-count', '1 comment');
    expect(await page.locator('li.c', { hasText: 'A comment to delete.' }).count()).toBe(0);
    await page.reload();
    await widgetReady(page);
    await text(page, '#parley-count', '1 comment');

    expect([...problems, ...fresh.problems]).toEqual([]);
    await Promise.all([context.close(), fresh.context.close()]);
  });

  test('a permalink to a comment on the third page of a long thread opens that page, scrolls to it and highlights it; Link copies it', async () => {
    const site = await openSite();
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) ids.push((await h.post(site, { page: '/long', name: `Reader ${i}`, body: `Comment number ${i}.` })).comment.id);
    const target = ids[42]; // the widget pages by 20: comments 40-44 are the third page
    const url = h.snippetPage({ site, page: '/long' });

    const { context, page, problems } = await h.newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.hostOrigin });
    await page.goto(`${url}#parley-${target}`);
    const li = page.locator(`li#parley-${target}`);
    await li.waitFor();
    expect(await li.getAttribute('class')).toContain('hl');
    await text(page, `li#parley-${target} .tx`, 'Comment number 42.');
    expect(await li.isVisible()).toBe(true);
    const inView = await li.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= innerHeight;
    });
    expect(inView).toBe(true);
    expect(await page.locator('li.c').count()).toBe(5);
    await page.screenshot({ path: path.join(ARTIFACTS, 'reader-permalink.png') });

    // Earlier comments are one click away.
    await page.locator('button', { hasText: 'Show earlier comments' }).click();
    await text(page, 'li.c .tx', 'Comment number 0.');

    // "Link" copies the page URL with the comment's anchor.
    const first = page.locator(`li#parley-${ids[0]}`);
    await first.locator('button', { hasText: 'Link' }).click();
    await text(page, `li#parley-${ids[0]} > .cb .st`, 'Link copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${url}#parley-${ids[0]}`);

    expect(problems).toEqual([]);
    await context.close();
  });

  test('sort: newest first, kept across reloads; latest activity', async () => {
    const site = await openSite();
    const a = await h.post(site, { page: '/sorted', name: 'Ann', body: 'Oldest comment.' });
    await new Promise((r) => setTimeout(r, 20));
    await h.post(site, { page: '/sorted', name: 'Bob', body: 'Middle comment.' });
    await new Promise((r) => setTimeout(r, 20));
    await h.post(site, { page: '/sorted', name: 'Cat', body: 'Newest comment.' });
    await new Promise((r) => setTimeout(r, 20));
    await h.post(site, { page: '/sorted', parentId: a.comment.id, name: 'Dan', body: 'A late reply to the oldest.' });
    const url = h.snippetPage({ site, page: '/sorted' });
    const { context, page, problems } = await h.newPage();
    await page.goto(url);
    await widgetReady(page);
    const tops = () => page.locator('ol.th > li > .cb .nm').allTextContents();
    expect(await tops()).toEqual(['Ann', 'Bob', 'Cat']);

    await page.selectOption('#parley-sort', 'newest');
    await text(page, 'ol.th > li > .cb .nm', 'Cat');
    expect(await tops()).toEqual(['Cat', 'Bob', 'Ann']);
    await page.reload();
    await widgetReady(page);
    await text(page, 'ol.th > li > .cb .nm', 'Cat');
    expect(await page.locator('#parley-sort').inputValue()).toBe('newest');

    await page.selectOption('#parley-sort', 'activity');
    await text(page, 'ol.th > li > .cb .nm', 'Ann');
    expect(await tops()).toEqual(['Ann', 'Cat', 'Bob']);
    expect(await page.evaluate(() => localStorage.getItem('parley.sort'))).toBe('"activity"');
    expect(problems).toEqual([]);
    await context.close();
  });

  test('the no-JS embed: post, edit and delete one’s own comment with plain forms; sort links', async () => {
    const site = await openSite();
    const { context, page, problems } = await h.newPage();
    const embed = `${h.service}/embed/${site}?page=${encodeURIComponent('/nojs')}&lang=en`;
    await page.goto(embed);
    await page.click('details.fh summary');
    await text(page, 'details.fh li', '**bold** bold');
    await page.fill('#parley-name', 'Nora NoScript');
    await page.fill('#parley-email', 'nora@example.org');
    await page.fill('#parley-body', 'Posted *without* JavaScript.');
    await page.click('button[type=submit]');
    await text(page, 'li.c .tx em', 'without');

    await page.locator('li.c a', { hasText: 'Edit' }).click();
    expect(await page.locator('li.c textarea').inputValue()).toBe('Posted *without* JavaScript.');
    await page.locator('li.c textarea').fill('Posted **without** JavaScript, then edited.');
    await page.locator('li.c button', { hasText: 'Save' }).click();
    await text(page, '[role=status]', 'Your comment was updated.');
    await text(page, 'li.c .tx strong', 'without');

    await page.locator('nav.so a', { hasText: 'Newest first' }).click();
    expect(page.url()).toContain('sort=newest');

    await page.locator('li.c a', { hasText: 'Delete' }).click();
    await text(page, 'li.c form.ac span', 'Delete this comment?');
    await page.locator('li.c form.ac button', { hasText: 'Delete' }).click();
    await text(page, '[role=status]', 'Your comment was deleted.');
    await text(page, '#parley-count', '0 comments');
    expect(problems).toEqual([]);
    await context.close();
  });

  test('unsubscribe from the reply-email page linked in the email', async () => {
    const site = await openSite();
    const one = await h.post(site, { page: '/subs', email: 'sam.subscriber@example.org', notifyReplies: true, body: 'Tell me about replies here.' });
    await h.post(site, { page: '/subs-2', email: 'sam.subscriber@example.org', notifyReplies: true, body: 'And here too.' });
    const link = `${h.service}${manageSubscriptionsUrl(h.t.ctx, one.comment.id).slice(TEST_PUBLIC_URL.length)}`;
    const { context, page, problems } = await h.newPage();
    await page.goto(link);
    await text(page, 'h1', 'Your reply emails');
    expect(await page.locator('ul.subs li').count()).toBe(2);
    await page.locator('ul.subs li', { hasText: 'Tell me about replies here.' }).locator('button', { hasText: 'Unsubscribe' }).click();
    await text(page, '[role=status]', 'Done: no more reply emails for that comment.');
    expect(await page.locator('ul.subs li').count()).toBe(1);
    const row = await h.t.ctx.prisma.comment.findUniqueOrThrow({ where: { id: one.comment.id } });
    expect(row.notifyReplies).toBe(false);
    await page.locator('a', { hasText: 'Français' }).click();
    await page.locator('button', { hasText: 'Se désabonner de tout' }).click();
    await text(page, 'main', /Vous ne recevez aucun courriel de réponse/);
    expect(problems).toEqual([]);
    await context.close();
  });
});
