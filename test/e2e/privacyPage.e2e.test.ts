import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, describeBrowser, startWidgetHarness, type WidgetHarness } from './widgetHarness';

/** The reader's "Your data" page in real Chromium: reached from the widget, usable without JavaScript, EN/FR, accessible. */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

describeBrowser('the "Your data" page', () => {
  let h: WidgetHarness;
  let site: string;
  beforeAll(async () => {
    h = await startWidgetHarness();
    site = await h.site();
  }, 120_000);
  afterAll(() => h?.close());

  test('the widget links to it, and it has no serious accessibility problem (EN and FR)', async () => {
    const { context, page, problems } = await h.newPage();
    await page.goto(h.snippetPage({ site, page: '/your-data' }));
    const link = page.locator('#parley').locator('#parley-note a');
    await link.waitFor();
    expect(await link.textContent()).toBe('Your data');
    const href = (await link.getAttribute('href'))!;
    expect(href).toBe(`${h.service}/privacy/${site}?lang=en`);
    for (const [lang, url] of [['en', href], ['fr', `${h.service}/privacy/${site}?lang=fr`]] as const) {
      await page.goto(url);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      await page.evaluate(AXE_SOURCE);
      const serious = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (d: unknown) => Promise<{ violations: { id: string; impact: string }[] }> } }).axe;
        return (await axe.run(document)).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
      });
      expect(serious).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, `privacy-page-${lang}.png`), fullPage: true });
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  test('without JavaScript, the form posts and a page answers', async () => {
    const context = await h.browser.newContext({ javaScriptEnabled: false });
    const { page, problems } = await h.newPage({ context });
    await page.goto(`${h.service}/privacy/${site}?lang=fr`);
    await page.fill('#email', 'no.script@example.org');
    await page.check('input[value="erase"]');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(await page.textContent('h1')).toBe('Consultez vos e-mails');
    expect(problems).toEqual([]);
    await context.close();
  });
});
