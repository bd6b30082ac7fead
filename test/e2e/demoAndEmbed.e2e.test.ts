import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createSite } from '../helpers/testApp';
import { ARTIFACTS, describeBrowser, startWidgetHarness, type WidgetHarness } from './widgetHarness';

/** The demo article, accessibility (axe-core), screenshots, and the no-JS embed page, in real Chromium. */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const DEMO_PAGE = '/2026/01/carney-beijing';

describeBrowser('the demo page and the no-JS embed page', () => {
  let h: WidgetHarness;
  beforeAll(async () => {
    h = await startWidgetHarness();
    await h.site({}, 'demo');
    const first = await h.post('demo', { page: DEMO_PAGE, name: 'Amélie Tremblay', website: 'https://amelie.example', body: 'A balanced piece. Diversifying trade partners seems prudent.' });
    await h.approve(first.comment.id);
    const reply = await h.post('demo', { page: DEMO_PAGE, parentId: first.comment.id, name: 'Tom Fraser', body: 'Agreed, though the details of the agreements will matter.' });
    await h.approve(reply.comment.id);
  }, 120_000);
  afterAll(() => h?.close());

  async function seriousViolations(page: Page) {
    // Evaluated through the DevTools protocol, which the page's CSP (rightly) does not let a <script> do.
    await page.evaluate(AXE_SOURCE);
    const result = await page.evaluate(async () => {
      type Node = { target: unknown[] };
      type Rule = { id: string; impact: string; nodes: Node[] };
      const axe = (window as unknown as { axe: { run: (ctx: unknown) => Promise<{ violations: Rule[]; passes: Rule[] }> } }).axe;
      const r = await axe.run(document);
      return {
        violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: JSON.stringify(v.nodes.map((n) => n.target)) })),
        // A target inside a shadow root is a nested array: proof that axe looked inside the widget.
        shadowChecked: r.passes.some((p) => p.nodes.some((n) => Array.isArray(n.target[0]))),
      };
    });
    return {
      serious: result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.targets}`),
      shadowChecked: result.shadowChecked,
    };
  }

  const widgetReady = (page: Page) => page.locator('#parley-count').filter({ hasText: /comment/ }).waitFor();

  test('the demo page shows the article and a working widget under a strict CSP', async () => {
    const { context, page, problems } = await h.newPage();
    const res = await page.goto(`${h.service}/`);
    expect(res!.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect(page.locator('h1').textContent()).resolves.toBe('Canada’s Strategic Shift: Carney’s Beijing Visit Signals New Era in China Ties');
    expect(await page.locator('article h2').allTextContents()).toEqual([
      'Reassessing Alliance Priorities',
      'From Alignment to Autonomy',
      'Economic Imperatives Drive Change',
      'Navigating New Global Realities',
    ]);
    await widgetReady(page);
    expect((await page.locator('#parley-count').textContent())?.trim()).toBe('2 comments');
    await page.fill('#parley-name', 'Demo Reader');
    await page.fill('#parley-email', 'demo.reader@example.org');
    await page.fill('#parley-body', 'Posted on the demo page.');
    await page.click('button[type=submit]');
    await page.locator('li.c.pending', { hasText: 'Posted on the demo page.' }).waitFor();
    expect(problems).toEqual([]); // no CSP violation, no script error
    await context.close();
  });

  test('no serious or critical accessibility violations (axe-core), light and dark, idle and with errors', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { context, page } = await h.newPage({ colorScheme });
      await page.goto(`${h.service}/demo`);
      await widgetReady(page);
      await page.locator('li.c').first().waitFor();
      expect(await seriousViolations(page)).toEqual({ serious: [], shadowChecked: true });
      await page.fill('#parley-email', 'nope');
      await page.click('button[type=submit]');
      await page.locator('#parley-err-name', { hasText: /./ }).waitFor();
      await page.locator('li.c button.lk').first().click();
      expect(await seriousViolations(page)).toEqual({ serious: [], shadowChecked: true });
      await context.close();
    }
    const { context, page } = await h.newPage();
    await page.goto(`${h.service}/embed/demo?page=${encodeURIComponent(DEMO_PAGE)}`);
    expect((await seriousViolations(page)).serious).toEqual([]);
    await context.close();
  });

  test('screenshots of light and dark modes are saved as test artefacts', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { context, page, problems } = await h.newPage({ colorScheme });
      await page.goto(`${h.service}/demo`);
      await widgetReady(page);
      await page.locator('li.c').first().waitFor();
      const file = path.join(ARTIFACTS, `widget-${colorScheme}.png`);
      await page.locator('#parley').screenshot({ path: file });
      await page.screenshot({ path: path.join(ARTIFACTS, `demo-${colorScheme}.png`), fullPage: true });
      // The widget follows prefers-color-scheme.
      const bodyColour = await page.locator('.tx p').first().evaluate((el) => getComputedStyle(el).color);
      expect(bodyColour).toBe(colorScheme === 'dark' ? 'rgb(230, 237, 243)' : 'rgb(31, 35, 40)');
      expect(problems).toEqual([]);
      await context.close();
    }
  });

  test('sites can theme the widget with CSS custom properties', async () => {
    const site = await h.site();
    const { context, page } = await h.newPage();
    await page.goto(h.snippetPage({ site, page: '/themed', head: '<style>#parley { --parley-accent: rgb(200, 0, 100); --parley-font-size: 18px }</style>' }));
    await widgetReady(page);
    const btn = await page.locator('button[type=submit]').evaluate((el) => ({ bg: getComputedStyle(el).backgroundColor, size: getComputedStyle(el).fontSize }));
    expect(btn).toEqual({ bg: 'rgb(200, 0, 100)', size: '18px' });
    await context.close();
  });

  test('without JavaScript, the embed page lists the thread and posts with a plain form (303 back)', async () => {
    const context = await h.browser.newContext({ javaScriptEnabled: false });
    const { page, problems } = await h.newPage({ context });
    const url = `${h.service}/embed/demo?page=${encodeURIComponent(DEMO_PAGE)}`;
    await page.goto(url);
    expect(await page.locator('li.c').count()).toBeGreaterThanOrEqual(2);
    await page.fill('#parley-name', 'No Script Reader');
    await page.fill('#parley-email', 'noscript.reader@example.org');
    await page.fill('#parley-body', 'Posted from the embed page without JavaScript.');
    const [response] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(response!.url()).toContain('posted=pending');
    expect(await page.locator('.st.ok').textContent()).toBe('Thank you! Your comment is awaiting moderation.');
    await page.locator('li.c.pending', { hasText: 'Posted from the embed page without JavaScript.' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'embed-nojs-light.png'), fullPage: true });

    // Errors come back beside their fields.
    await page.fill('#parley-name', '');
    await page.fill('#parley-email', 'bad');
    await page.fill('#parley-body', 'x');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(await page.locator('#parley-err-email').textContent()).toBe('Enter a valid email address.');
    expect(await page.locator('#parley-err-name').textContent()).toBe('Name is required.');
    expect(problems).toEqual([]);
    await context.close();
  });

  test('a host page may frame the embed page; other origins may not', async () => {
    const { context, page } = await h.newPage();
    const src = `${h.service}/embed/demo?page=${encodeURIComponent(DEMO_PAGE)}`;
    // The demo site allows the service's own origin and the host origin.
    await page.goto(h.hostPage(`<!doctype html><html lang="en"><head><title>Framed</title></head><body><iframe title="Comments" src="${src}" width="600" height="600"></iframe></body></html>`));
    const frame = page.frameLocator('iframe');
    await frame.locator('#parley-count').waitFor();
    expect(await frame.locator('#parley-count').textContent()).toMatch(/comments/);

    // A site that does not list the host origin cannot be framed there (CSP frame-ancestors).
    const closed = await createSite(h.t.ctx, { allowedOrigins: ['https://elsewhere.example'] });
    await page.goto(h.hostPage(`<!doctype html><html lang="en"><head><title>Framed</title></head><body><iframe title="Comments" src="${h.service}/embed/${closed}?page=%2Fx" width="600" height="600"></iframe></body></html>`));
    await page.waitForTimeout(500);
    expect(await page.frameLocator('iframe').locator('#parley-count').count()).toBe(0);
    await context.close();
  });
});
