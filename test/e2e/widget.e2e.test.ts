import type { Page } from 'playwright-core';
import { describeBrowser, startWidgetHarness, type WidgetHarness } from './widgetHarness';

/**
 * The widget in real Chromium, embedded on a host page of another origin, against the running service.
 * Locators pierce the widget's (open) shadow root.
 */
describeBrowser('the embedded widget', () => {
  let h: WidgetHarness;
  beforeAll(async () => {
    h = await startWidgetHarness();
  }, 120_000);
  afterAll(() => h?.close());

  const widgetReady = (page: Page) => page.locator('#parley-count').filter({ hasText: /comment/ }).waitFor();

  async function fillForm(page: Page, v: { name?: string; email?: string; website?: string; body?: string }) {
    if (v.name !== undefined) await page.fill('#parley-name', v.name);
    if (v.email !== undefined) await page.fill('#parley-email', v.email);
    if (v.website !== undefined) await page.fill('#parley-website', v.website);
    if (v.body !== undefined) await page.fill('#parley-body', v.body);
  }

  test('post, see it pending, reload and still see it, approve, then a fresh browser sees it published', async () => {
    const site = await h.site();
    const url = h.snippetPage({ site, page: '/flow' });
    const { context, page, problems } = await h.newPage();
    await page.goto(url);
    await widgetReady(page);
    await expectText(page, '#parley-count', '0 comments');
    expect(await page.locator('text=Show more').isVisible()).toBe(false);
    expect(await page.locator('text=Cancel reply').isVisible()).toBe(false);

    // Hold the POST for a moment to see the button disabled while sending.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let sent: Record<string, unknown> = {};
    await page.route('**/api/v1/sites/*/comments', async (route) => {
      if (route.request().method() === 'POST') {
        sent = route.request().postDataJSON();
        await held;
      }
      await route.continue();
    });
    await fillForm(page, { name: 'Jane Reader', email: 'jane.e2e@example.org', website: 'jane.example', body: 'A first comment from the browser.' });
    await page.click('button[type=submit]');
    await expect(page.locator('button[type=submit]')).toBeDisabledSoon();
    await expectText(page, 'button[type=submit]', 'Posting…');
    release();
    // The honeypot and the signed form time travel with the comment.
    expect(sent).toMatchObject({ page: '/flow', hp: '', notifyReplies: false, parentId: null, pageUrl: url });
    expect(sent.formToken).toMatch(/^\d+\.[\w-]{43}$/);

    const mine = page.locator('li.c.pending', { hasText: 'A first comment from the browser.' });
    await mine.waitFor();
    await expectText(page, 'li.c.pending .pd', 'Your comment is awaiting moderation');
    expect(await page.locator('button[type=submit]').isEnabled()).toBe(true);
    await expectText(page, 'form .st', 'Thank you! Your comment is awaiting moderation.');
    const tokens = await page.evaluate((s) => localStorage.getItem(`parley.owner.${s}`), site);
    expect(JSON.parse(tokens!)).toHaveLength(1);
    // "Save my details" was not ticked: nothing about the author is stored.
    expect(await page.evaluate(() => localStorage.getItem('parley.author'))).toBeNull();
    // The author's name links to their website, safely.
    expect(await mine.locator('a.nm').getAttribute('href')).toBe('https://jane.example/');
    expect(await mine.locator('a.nm').getAttribute('rel')).toBe('nofollow ugc noopener');

    await page.unroute('**/api/v1/sites/*/comments');
    await page.reload();
    await widgetReady(page);
    await page.locator('li.c.pending', { hasText: 'A first comment from the browser.' }).waitFor();

    const stranger = await h.newPage();
    await stranger.page.goto(url);
    await widgetReady(stranger.page);
    expect(await stranger.page.locator('li.c').count()).toBe(0);

    const id = await mine.getAttribute('data-id');
    await h.approve(id!);

    const fresh = await h.newPage();
    await fresh.page.goto(url);
    await widgetReady(fresh.page);
    await expectText(fresh.page, '#parley-count', '1 comment');
    const published = fresh.page.locator('li.c', { hasText: 'A first comment from the browser.' });
    await published.waitFor();
    expect(await published.getAttribute('class')).toBe('c');
    expect(await fresh.page.locator('.pd').count()).toBe(0);
    // Avatar: initials on a colour from the name; relative time with the exact time on hover.
    expect((await published.locator('.av').textContent())?.trim()).toBe('JR');
    expect(await published.locator('.av').evaluate((el) => getComputedStyle(el).backgroundColor)).toMatch(/^rgb\(/);
    expect(await published.locator('time').textContent()).toMatch(/now|minute/);
    expect(await published.locator('time').getAttribute('title')).toMatch(/\d{4}/);

    expect([...problems, ...stranger.problems, ...fresh.problems]).toEqual([]);
    await Promise.all([context.close(), stranger.context.close(), fresh.context.close()]);
  });

  test('validation errors show next to the right fields and are announced', async () => {
    const site = await h.site();
    const { context, page, problems } = await h.newPage();
    await page.goto(h.snippetPage({ site, page: '/errors' }));
    await widgetReady(page);

    // Empty required fields: caught before sending, beside each field.
    await page.click('button[type=submit]');
    for (const f of ['name', 'email', 'body']) {
      await expectText(page, `#parley-err-${f}`, 'This field is required.');
      expect(await page.getAttribute(`#parley-${f}`, 'aria-invalid')).toBe('true');
    }
    expect(await page.textContent('#parley-err-website')).toBe('');

    // Errors from the API (error.fields) land beside their fields too.
    await fillForm(page, { name: 'Val Idator', email: 'not-an-email', website: 'ftp://files.example', body: 'Checking errors.' });
    await page.click('button[type=submit]');
    await expectText(page, '#parley-err-email', 'Enter a valid email address.');
    await expectText(page, '#parley-err-website', /http:\/\/ or https:\/\//);
    expect(await page.textContent('#parley-err-name')).toBe('');
    expect(await page.getAttribute('#parley-email', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#parley-name', 'aria-invalid')).toBeNull();
    for (const f of ['email', 'website']) {
      // Each message sits in its field's block, is referenced by the input, and is a live region.
      const err = page.locator(`#parley-err-${f}`);
      expect(await err.getAttribute('aria-live')).toBe('polite');
      expect(await page.getAttribute(`#parley-${f}`, 'aria-describedby')).toContain(`parley-err-${f}`);
      expect(await err.evaluate((el, id) => el.parentElement!.querySelector(`#${id}`) !== null, `parley-${f}`)).toBe(true);
    }
    // Labels are tied to their inputs.
    for (const f of ['name', 'email', 'website', 'body', 'notifyReplies', 'save']) {
      expect(await page.locator(`label[for="parley-${f}"]`).count()).toBe(1);
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  test('a reply moves the form under its parent and appears nested under it', async () => {
    const site = await h.site();
    const parent = await h.post(site, { page: '/replies', name: 'Paul Parent', body: 'The parent comment.' });
    await h.approve(parent.comment.id);
    const url = h.snippetPage({ site, page: '/replies' });
    const { context, page, problems } = await h.newPage();
    await page.goto(url);
    await widgetReady(page);

    const parentLi = page.locator(`li[data-id="${parent.comment.id}"]`);
    await parentLi.locator('button.lk').click();
    expect(await parentLi.locator('form').count()).toBe(1);
    expect(await page.locator('text=Cancel reply').isVisible()).toBe(true);
    await expectText(page, '#parley-reply-title', 'Reply to Paul Parent');
    expect(await page.evaluate(() => document.querySelector('#parley')!.shadowRoot!.activeElement?.id)).toBe('parley-body');
    // Cancel puts it back under the thread; Reply again.
    await page.click('text=Cancel reply');
    expect(await parentLi.locator('form').count()).toBe(0);
    await parentLi.locator('button.lk').click();

    await fillForm(page, { name: 'Rita Replier', email: 'rita@example.org', body: 'A nested reply.' });
    await page.click('button[type=submit]');
    const reply = parentLi.locator('ol.replies > li.c.pending', { hasText: 'A nested reply.' });
    await reply.waitFor();
    expect(await parentLi.locator('form').count()).toBe(0); // the form went home after posting

    await h.approve((await reply.getAttribute('data-id'))!);
    const fresh = await h.newPage();
    await fresh.page.goto(url);
    await widgetReady(fresh.page);
    const nested = fresh.page.locator(`li[data-id="${parent.comment.id}"] > ol.replies > li.c`, { hasText: 'A nested reply.' });
    await nested.waitFor();
    await expectText(fresh.page, '#parley-count', '2 comments');
    expect([...problems, ...fresh.problems]).toEqual([]);
    await Promise.all([context.close(), fresh.context.close()]);
  });

  test('French strings with data-lang="fr", and from the host page lang', async () => {
    const site = await h.site();
    for (const url of [h.snippetPage({ site, page: '/fr', lang: 'fr' }), h.snippetPage({ site, page: '/fr', htmlLang: 'fr-CA' })]) {
      const { context, page, problems } = await h.newPage();
      await page.goto(url);
      await page.locator('#parley-count', { hasText: 'commentaire' }).waitFor();
      await expectText(page, '#parley-count', '0 commentaire');
      await expectText(page, '#parley-reply-title', 'Laisser un commentaire');
      await expectText(page, 'label[for="parley-email"]', /Courriel/);
      await expectText(page, '#parley-note', 'Votre adresse courriel ne sera pas publiée. Les champs obligatoires sont indiqués avec * Vos données');
      expect(await page.locator('#parley-note a').getAttribute('href')).toMatch(new RegExp(`/privacy/${site}\\?lang=fr$`));
      await expectText(page, 'button[type=submit]', 'Publier le commentaire');
      await page.click('button[type=submit]');
      await expectText(page, '#parley-err-name', 'Ce champ est obligatoire.');
      expect(problems).toEqual([]);
      await context.close();
    }
  });

  test('a hostile host stylesheet outside the shadow root does not break the widget', async () => {
    const site = await h.site();
    const c = await h.post(site, { page: '/hostile', name: 'Styled Author', body: 'Readable despite the host CSS.' });
    await h.approve(c.comment.id);
    const hostile = `<style>
  form, input, button, textarea { display: none !important }
  div, p { color: red !important; font-size: 3px !important }
  * { font-family: "Comic Sans MS", cursive; letter-spacing: 4px; text-transform: uppercase }
  label, ol, li, h2, h3 { display: none !important; visibility: hidden !important }
  </style>`;
    const { context, page, problems } = await h.newPage();
    await page.goto(h.snippetPage({ site, page: '/hostile', head: hostile }));
    await widgetReady(page);
    for (const sel of ['form', '#parley-name', '#parley-email', '#parley-website', '#parley-body', 'button[type=submit]', 'li.c', 'label[for="parley-name"]']) {
      expect(await page.locator(sel).first().isVisible()).toBe(true);
    }
    const text = page.locator('li.c .tx p');
    const style = await text.evaluate((el) => {
      const s = getComputedStyle(el);
      return { color: s.color, fontSize: parseFloat(s.fontSize), transform: s.textTransform };
    });
    expect(style.color).not.toBe('rgb(255, 0, 0)');
    expect(style.fontSize).toBeGreaterThanOrEqual(14);
    expect(style.transform).toBe('none');
    // Our styles do not leak out either: the host's own paragraph keeps the host's rules.
    expect(await page.locator('main > p').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(255, 0, 0)');
    // And it still works: post a comment.
    await fillForm(page, { name: 'Hostile Tester', email: 'ht@example.org', body: 'Posted through hostile CSS.' });
    await page.click('button[type=submit]');
    await page.locator('li.c.pending', { hasText: 'Posted through hostile CSS.' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  const XSS = [
    '<script>alert("xss-script")</script>',
    '<img src=x onerror=alert("xss-img")>',
    '"><img src=x onerror=alert("xss-attr")>',
    '<svg onload=alert("xss-svg")>',
    '<svg><script>alert("xss-svg-script")</script></svg>',
    '<a href="javascript:alert(\'xss-link\')">click</a>',
    '<iframe src="javascript:alert(\'xss-iframe\')"></iframe>',
    '&lt;img src=x onerror=alert("xss-entity")&gt;',
    '&#x3C;script&#x3E;alert("xss-hex")&#x3C;/script&#x3E;',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert("xss-mxss")>',
    '[click](javascript:alert("xss-md"))',
    'javascript:alert("xss-bare")',
  ];
  const XSS_WEBSITES = [
    'javascript:alert("xss-website")',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'https://ok.example/"><script>alert("xss-href")</script>',
    'https://ok.example/" onmouseover="alert(1)',
  ];

  test('XSS payloads in name, website and body run no script and leave no active markup', async () => {
    const site = await h.site();
    for (const [i, payload] of XSS.entries()) {
      const website = XSS_WEBSITES[i % XSS_WEBSITES.length];
      // The API refuses non-http(s) websites; the payload is then posted without one.
      const posted = await h
        .post(site, { page: '/xss', name: payload.slice(0, 80), website, body: `${payload}\n\nhttps://link.example/${i}` })
        .catch(() => h.post(site, { page: '/xss', name: payload.slice(0, 80), body: `${payload}\n\nhttps://link.example/${i}` }));
      await h.approve(posted.comment.id);
    }
    const { context, page, problems } = await h.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { __xss: string[] };
      w.__xss = [];
      for (const fn of ['alert', 'confirm', 'prompt'] as const) {
        (window as unknown as Record<string, unknown>)[fn] = (msg: unknown) => w.__xss.push(`${fn}:${String(msg)}`);
      }
      window.addEventListener('error', (e) => w.__xss.push(`error:${e.message}`));
    });
    await page.goto(h.snippetPage({ site, page: '/xss' }));
    await widgetReady(page);
    await expectText(page, '#parley-count', `${XSS.length} comments`);

    // Also post one through the widget's own form.
    await fillForm(page, { name: '<img src=x onerror=alert("xss-form")>', email: 'x@example.org', website: 'https://ok.example/?q="><svg onload=alert(1)>', body: '<script>alert("xss-form-body")</script>' });
    await page.click('button[type=submit]');
    await page.locator('li.c.pending').waitFor();

    // Hover and focus every link and name, to give any handler its chance.
    for (const a of await page.locator('li.c a').all()) await a.hover();
    await page.waitForTimeout(300);

    const dom = await page.evaluate(() => {
      const root = document.querySelector('#parley')!.shadowRoot!;
      const all = Array.from(root.querySelectorAll('*'));
      return {
        active: all.filter((el) => /^(script|iframe|img|svg|math|object|embed|style|link)$/i.test(el.localName)).map((el) => el.localName),
        handlers: all.flatMap((el) => Array.from(el.attributes).filter((a) => /^on/i.test(a.name)).map((a) => `${el.localName}[${a.name}]`)),
        hrefs: Array.from(root.querySelectorAll('a[href]')).map((a) => a.getAttribute('href')!),
        names: Array.from(root.querySelectorAll('.nm')).map((n) => n.textContent),
        xss: (window as unknown as { __xss: string[] }).__xss,
        scriptsInDocument: document.querySelectorAll('script').length,
      };
    });
    expect(dom.xss).toEqual([]);
    expect(dom.active).toEqual([]);
    expect(dom.handlers).toEqual([]);
    for (const href of dom.hrefs) expect(href).toMatch(/^(https?:\/\/|#)/);
    expect(dom.names).toContain('<script>alert("xss-script")</script>');
    expect(dom.names).toContain('<img src=x onerror=alert("xss-form")>');
    expect(dom.scriptsInDocument).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  test('"Show more" pages through a long thread', async () => {
    const site = await h.site();
    for (let i = 1; i <= 23; i++) {
      const c = await h.post(site, { page: '/long', body: `Long thread comment number ${i}.` });
      await h.approve(c.comment.id);
    }
    const { context, page, problems } = await h.newPage();
    await page.goto(h.snippetPage({ site, page: '/long' }));
    await widgetReady(page);
    await expectText(page, '#parley-count', '23 comments');
    expect(await page.locator('ol.th > li.c').count()).toBe(20);
    await page.click('text=Show more');
    await page.locator('li.c', { hasText: 'Long thread comment number 23.' }).waitFor();
    expect(await page.locator('ol.th > li.c').count()).toBe(23);
    expect(await page.locator('text=Show more').isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });

  test('"Save my name, email, and website" keeps them only when ticked', async () => {
    const site = await h.site();
    const url = h.snippetPage({ site, page: '/save' });
    const { context, page, problems } = await h.newPage();
    await page.goto(url);
    await widgetReady(page);
    await fillForm(page, { name: 'Sam Saver', email: 'sam@example.org', website: 'https://sam.example', body: 'Remember me.' });
    await page.check('#parley-save');
    await page.check('#parley-notifyReplies');
    await page.click('button[type=submit]');
    await page.locator('li.c.pending').waitFor();
    await page.reload();
    await widgetReady(page);
    expect(await page.inputValue('#parley-name')).toBe('Sam Saver');
    expect(await page.inputValue('#parley-email')).toBe('sam@example.org');
    expect(await page.isChecked('#parley-save')).toBe(true);
    await page.uncheck('#parley-save');
    await fillForm(page, { body: 'Forget me now.' });
    await page.click('button[type=submit]');
    await page.locator('li.c.pending', { hasText: 'Forget me now.' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('parley.author'))).toBeNull();
    expect(problems).toEqual([]);
    await context.close();
  });
});

async function expectText(page: Page, selector: string, expected: string | RegExp) {
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

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeDisabledSoon(): Promise<R>;
    }
  }
}
expect.extend({
  async toBeDisabledSoon(locator: import('playwright-core').Locator) {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (await locator.isDisabled()) return { pass: true, message: () => 'disabled' };
      await new Promise((r) => setTimeout(r, 25));
    }
    return { pass: false, message: () => 'the button did not become disabled' };
  },
});
